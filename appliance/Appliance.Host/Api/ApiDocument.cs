using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Appliance.Host.Api;

/// <summary>Describes the API's bearer-token authentication in the OpenAPI document.</summary>
public sealed class ApiDocument : IOpenApiDocumentTransformer
{
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(document);
        document.Info = new OpenApiInfo
        {
            Title = "Sovereign Meeting Appliance API",
            Version = "v1",
            Description = "Book meetings and invite guests from a case-management system. Authenticate with a personal API token (Account → API tokens) as 'Authorization: Bearer <token>'.",
        };
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes["bearer"] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "Personal API token",
        };
        document.Security ??= [];
        document.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("bearer", document)] = [] });
        return Task.CompletedTask;
    }
}
