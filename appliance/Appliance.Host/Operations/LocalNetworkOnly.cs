using System.Net;
using Appliance.Host.Configuration;

namespace Appliance.Host.Operations;

/// <summary>Lets only configured networks (loopback by default) read operational endpoints such as /metrics.</summary>
public sealed class LocalNetworkOnly : IEndpointFilter
{
    private readonly IPNetwork[] _allowed;
    private readonly ILogger<LocalNetworkOnly> _logger;

    public LocalNetworkOnly(ApplianceOptions options, ILogger<LocalNetworkOnly> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _logger = logger;
        var allowed = new List<IPNetwork>();
        foreach (var cidr in options.MetricsAllowedNetworks)
        {
            if (IPNetwork.TryParse(cidr, out var network))
            {
                allowed.Add(network);
            }
            else
            {
                logger.LogError("Ignoring malformed network {Network} in Appliance:MetricsAllowedNetworks", cidr);
            }
        }

        _allowed = [.. allowed];
    }

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        var remote = context.HttpContext.Connection.RemoteIpAddress;
        if (remote is not null && remote.IsIPv4MappedToIPv6)
        {
            remote = remote.MapToIPv4();
        }

        if (remote is null || !Array.Exists(_allowed, n => n.Contains(remote)))
        {
            _logger.LogWarning("Refused {Endpoint} to {Client}", "metrics", remote);
            return Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Not available from this network.");
        }

        return await next(context);
    }
}
