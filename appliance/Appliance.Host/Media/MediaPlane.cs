using System.Net.Sockets;
using Appliance.Core.Rooms;
using Appliance.Crypto.Dtls;
using Appliance.Media.Conference;
using Appliance.Media.Sfu;
using Appliance.Media.Transport;

namespace Appliance.Host.Media;

/// <summary>
/// Composes the media plane into the host: the DTLS identity, <see cref="ConferenceMedia"/> on its UDP port (bound when
/// the host is built, so that a taken port stops the start with a plain message), the rooms' hook over it, its start with
/// the host and its stop on shutdown, and its counters in /metrics.
/// </summary>
public static class MediaPlane
{
    /// <summary>
    /// Registers the media plane as the rooms' <see cref="IMeetingMedia"/>, unless one is registered already (tests that
    /// record what the rooms tell it) or Appliance:Media:Enabled is false.
    /// </summary>
    public static void Add(IServiceCollection services, IConfiguration configuration, TimeProvider time)
    {
        var options = configuration.GetSection(MediaOptions.Section).Get<MediaOptions>() ?? new MediaOptions();
        if (!options.Enabled || services.Any(s => s.ServiceType == typeof(IMeetingMedia)))
        {
            return;
        }

        services.AddSingleton(options);
        services.AddSingleton(_ => DtlsIdentity.Create(time));
        // A forwarding tap exists only where a test registered one.
        services.AddSingleton(sp => Create(options, sp.GetRequiredService<DtlsIdentity>(), time, sp.GetRequiredService<ILoggerFactory>(), sp.GetService<IForwardingTap>()));
        services.AddSingleton<ConferenceMeetingMedia>();
        services.AddSingleton<IMeetingMedia>(sp => sp.GetRequiredService<ConferenceMeetingMedia>());
        services.AddHostedService<MediaPlaneService>();
    }

    /// <summary>Binds the media port now (when the media plane is registered), so that a taken port fails the build of the host.</summary>
    public static void Bind(IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.GetService<MediaOptions>() is not null)
        {
            MediaMetrics.Watch(services.GetRequiredService<ConferenceMedia>());
        }
    }

    private static ConferenceMedia Create(MediaOptions options, DtlsIdentity identity, TimeProvider time, ILoggerFactory loggers, IForwardingTap? tap)
    {
        var logger = loggers.CreateLogger("Appliance.Media");
        var server = new MediaServerOptions
        {
            BindAddress = options.ParseBindAddress(),
            Port = options.Port is >= 0 and <= 65535
                ? options.Port
                : throw new InvalidOperationException($"Appliance:Media:Port {options.Port} is not a port number."),
            TcpPort = options.ResolveTcpPort(),
            MaxPendingTcpConnectionsPerSource = options.ResolveTcpPendingPerSource(),
            OfferUdp = options.OfferUdp,
            AdvertisedAddresses = options.ParseAdvertisedAddresses(),
            UnexpectedError = ex => logger.LogError(ex, "The media plane survived an unexpected error"),
            TcpConnectionRejected = rejection => logger.LogWarning("ICE-TCP connection from {Remote} closed: {Reason}", rejection.Remote, rejection.Reason),
        };
        var sfu = new SfuOptions { LastN = options.LastN, Clock = NtpClock.FromTimeProvider(time), Tap = tap };
        try
        {
            return new ConferenceMedia(server, identity, sfu, time);
        }
        catch (SocketException ex)
        {
            throw new InvalidOperationException(
                $"The media port UDP {options.BindAddress}:{options.Port} or TCP {options.ResolveTcpPort()} cannot be opened ({ex.SocketErrorCode}); set Appliance:Media:Port, Appliance:Media:TcpPort (-1: no TCP) or Appliance:Media:BindAddress.",
                ex);
        }
    }
}

/// <summary>Starts the media plane's receive thread with the host and stops every media connection on shutdown.</summary>
internal sealed class MediaPlaneService(ConferenceMedia media, ILogger<MediaPlaneService> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        media.Start();
        foreach (var candidate in media.LocalCandidates)
        {
            logger.LogInformation("Media plane reachable at {Protocol} {Address}:{Port}", candidate.Protocol, candidate.Address, candidate.Port);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        MediaMetrics.Forget(media);
        media.Dispose();
        return Task.CompletedTask;
    }
}
