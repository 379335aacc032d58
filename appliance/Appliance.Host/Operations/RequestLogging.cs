using System.Diagnostics;
using Microsoft.AspNetCore.Routing;

namespace Appliance.Host.Operations;

/// <summary>
/// Logs each request by its route template, never its raw path or query: guest and bootstrap links carry secrets in
/// the path, and a log file must not become a way into a meeting.
/// </summary>
public sealed class RequestLogging
{
    private readonly RequestDelegate _next;
    private readonly ILogger<RequestLogging> _logger;

    public RequestLogging(RequestDelegate next, ILogger<RequestLogging> logger)
    {
        _next = next;
        _logger = logger;
    }

    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var started = Stopwatch.GetTimestamp();
        try
        {
            await _next(context);
        }
        finally
        {
            var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            var route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText;
            route = route is null ? (context.Request.Path.StartsWithSegments("/css") || context.Request.Path.StartsWithSegments("/js") ? "static" : "unmatched") : "/" + route.TrimStart('/');
            var status = context.Response.StatusCode;
            var level = status >= 500 ? LogLevel.Error : LogLevel.Information;
            _logger.Log(level, "HTTP {Method} {Route} responded {StatusCode} in {Elapsed:0.0} ms", context.Request.Method, route, status, elapsed);
        }
    }
}
