using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace Appliance.Host.Security;

/// <summary>Rate limits on everything guessable: sign-in, bootstrap, guest links and PINs, and the API.</summary>
public static class RateLimits
{
    public const string SignIn = "signin";
    public const string Guest = "guest";
    public const string Api = "api";

    /// <summary>A fixed window per client address.</summary>
    public static RateLimitPartition<string> PerClient(HttpContext context, int permits, TimeSpan window)
    {
        ArgumentNullException.ThrowIfNull(context);
        var key = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        return RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = permits,
            Window = window,
            QueueLimit = 0,
        });
    }

    /// <summary>Answers 429 with a Retry-After and a problem body, and logs which limit was hit (not the path).</summary>
    public static async ValueTask OnRejectedAsync(OnRejectedContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var http = context.HttpContext;
        if (context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
        {
            http.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Appliance.RateLimit")
            .LogWarning("Rate limit reached for {Client}", http.Connection.RemoteIpAddress);
        await Results.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests; wait a moment and try again.")
            .ExecuteAsync(http);
    }
}
