using Prometheus;

namespace Appliance.Host.Signalling;

/// <summary>The signalling WebSocket's Prometheus series. Labels are fixed codes and types, never ids or text.</summary>
internal static class SignallingMetrics
{
    private static readonly Gauge Connections = Metrics.CreateGauge("appliance_signalling_connections", "Open signalling WebSockets.");
    private static readonly Gauge Rooms = Metrics.CreateGauge("appliance_rooms_open", "Meeting rooms open.");
    private static readonly Counter Messages = Metrics.CreateCounter("appliance_signalling_messages_total", "Valid signalling messages received, by type.", "type");
    private static readonly Counter Invalid = Metrics.CreateCounter("appliance_signalling_invalid_messages_total", "Invalid signalling messages received, by error code.", "code");
    private static readonly Counter Refusals = Metrics.CreateCounter("appliance_signalling_refusals_total", "Operations and entries the room refused, by error code.", "code");
    private static readonly Counter Closes = Metrics.CreateCounter("appliance_signalling_closes_total", "Signalling connections the server closed or dropped, by reason.", "reason");
    private static readonly Counter OriginRefusals = Metrics.CreateCounter("appliance_signalling_origin_refused_total", "WebSocket upgrades refused for a foreign or missing Origin.");

    public static void Opened() => Connections.Inc();

    public static void Closed() => Connections.Dec();

    public static void RoomsOpen(int count) => Rooms.Set(count);

    public static void Received(string type) => Messages.WithLabels(type).Inc();

    public static void InvalidMessage(string code) => Invalid.WithLabels(code).Inc();

    public static void Refused(string code) => Refusals.WithLabels(code).Inc();

    public static void ClosedBecause(string reason) => Closes.WithLabels(reason).Inc();

    public static void OriginRefused() => OriginRefusals.Inc();
}
