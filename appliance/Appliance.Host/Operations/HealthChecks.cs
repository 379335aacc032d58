using System.Text.Json;
using Appliance.Host.Tls;
using Appliance.Storage;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Appliance.Host.Operations;

/// <summary>The database answers a read.</summary>
public sealed class StorageHealthCheck(ApplianceDatabase database) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(database.CheckHealth(out var problem)
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy(problem ?? "storage does not answer"));
}

/// <summary>The TLS certificate is valid now; degraded when it ends within 14 days.</summary>
public sealed class CertificateHealthCheck(ServerCertificate certificate, TimeProvider time) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var notBefore = new DateTimeOffset(certificate.Certificate.NotBefore.ToUniversalTime());
        var left = certificate.NotAfter - now;
        var result = now < notBefore || left <= TimeSpan.Zero
            ? HealthCheckResult.Unhealthy("certificate is not valid now")
            : left < TimeSpan.FromDays(14)
                ? HealthCheckResult.Degraded($"certificate expires in {left.TotalDays:0} days")
                : HealthCheckResult.Healthy();
        return Task.FromResult(result);
    }
}

/// <summary>How /healthz answers: 200 when healthy or degraded, 503 otherwise, with each check's status as JSON.</summary>
public static class HealthResponse
{
    public static HealthCheckOptions Options { get; } = new()
    {
        ResultStatusCodes =
        {
            [HealthStatus.Healthy] = StatusCodes.Status200OK,
            [HealthStatus.Degraded] = StatusCodes.Status200OK,
            [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
        },
        ResponseWriter = WriteAsync,
    };

    private static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        var body = new
        {
            status = report.Status.ToString().ToLowerInvariant(),
            checks = report.Entries.ToDictionary(
                e => e.Key,
                e => new { status = e.Value.Status.ToString().ToLowerInvariant(), description = e.Value.Description }),
        };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body));
    }
}
