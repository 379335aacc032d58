using System.Globalization;
using Appliance.Core.Rooms;
using Appliance.Host.Configuration;
using Appliance.Host.Security;

namespace Appliance.Host.Signalling;

/// <summary>
/// The signalling WebSocket at /ws. Only pages of this appliance may open it: the Origin header must be the appliance's
/// own (the request's scheme and host, or the configured public address), which stops cross-site WebSocket hijacking.
/// Authentication is the join ticket in the first message, not a cookie.
/// </summary>
public static class SignallingEndpoint
{
    /// <summary>Where the WebSocket is.</summary>
    public const string Path = "/ws";

    /// <summary>Registers the rooms, the tickets, the hub and the stand-in media plane (unless one is registered already).</summary>
    public static void Add(IServiceCollection services, IConfiguration configuration, TimeProvider time)
    {
        var options = configuration.GetSection(SignallingOptions.Section).Get<SignallingOptions>() ?? new SignallingOptions();
        services.AddSingleton(options);
        if (options.MaxParticipants < 2)
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"Appliance:Signalling:MaxParticipants is {options.MaxParticipants}; a meeting needs at least 2."));
        }

        services.AddSingleton(new MeetingRooms(time, RoomLimits.Default with { MaxParticipants = options.MaxParticipants }));
        services.AddSingleton<JoinTickets>();
        services.AddSingleton<SignallingHub>();
        services.AddHostedService(sp => sp.GetRequiredService<SignallingHub>());
        if (!services.Any(s => s.ServiceType == typeof(IMeetingMedia)))
        {
            services.AddSingleton<IMeetingMedia, NoMeetingMedia>();
        }
    }

    /// <summary>WebSocket support (with keep-alive pings) and the endpoint.</summary>
    public static void Map(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var options = app.Services.GetRequiredService<SignallingOptions>();
        app.UseWebSockets(new WebSocketOptions
        {
            KeepAliveInterval = TimeSpan.FromSeconds(options.KeepAliveSeconds),
            KeepAliveTimeout = TimeSpan.FromSeconds(options.KeepAliveSeconds),
        });
        app.Map(Path, HandleAsync).AllowAnonymous().RequireRateLimiting(RateLimits.Guest);
    }

    /// <summary>True when <paramref name="origin"/> is this appliance's own origin for the request.</summary>
    public static bool IsSameOrigin(string? origin, HttpRequest request, Uri? publicUrl)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (string.IsNullOrEmpty(origin) || !Uri.TryCreate(origin, UriKind.Absolute, out var presented) || presented.AbsolutePath != "/" ||
            !string.IsNullOrEmpty(presented.Query) || presented.UserInfo.Length > 0)
        {
            return false;
        }

        if (Uri.TryCreate($"{request.Scheme}://{request.Host.ToUriComponent()}", UriKind.Absolute, out var own) && SameOrigin(presented, own))
        {
            return true;
        }

        return publicUrl is not null && SameOrigin(presented, publicUrl);
    }

    private static bool SameOrigin(Uri a, Uri b) =>
        string.Equals(a.Scheme, b.Scheme, StringComparison.OrdinalIgnoreCase) &&
        string.Equals(a.IdnHost, b.IdnHost, StringComparison.OrdinalIgnoreCase) &&
        a.Port == b.Port;

    private static async Task HandleAsync(HttpContext context, SignallingHub hub, ApplianceOptions options, ILoggerFactory loggers)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status426UpgradeRequired;
            context.Response.Headers.Upgrade = "websocket";
            return;
        }

        if (!IsSameOrigin(context.Request.Headers.Origin, context.Request, options.PublicUrl))
        {
            SignallingMetrics.OriginRefused();
            loggers.CreateLogger("Appliance.Signalling").LogWarning("Refused a WebSocket from a foreign or missing origin ({Client})", context.Connection.RemoteIpAddress);
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            return;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext { DangerousEnableCompression = false });
        await hub.RunAsync(socket, SignallingHub.LanguageOf(CultureInfo.CurrentUICulture), context.Connection.RemoteIpAddress, context.RequestAborted);
    }
}
