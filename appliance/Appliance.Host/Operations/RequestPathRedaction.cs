using Serilog.Core;
using Serilog.Events;

namespace Appliance.Host.Operations;

/// <summary>
/// Drops the raw request path that ASP.NET Core's hosting log scope attaches to every event of a request: guest and
/// bootstrap paths carry their token. <see cref="RequestLogging"/> names the route instead.
/// </summary>
public sealed class RequestPathRedaction : ILogEventEnricher
{
    /// <summary>The scope property that holds the raw path.</summary>
    public const string PropertyName = "RequestPath";

    public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory)
    {
        ArgumentNullException.ThrowIfNull(logEvent);
        logEvent.RemovePropertyIfPresent(PropertyName);
    }
}
