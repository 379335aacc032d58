using System.Text.Json;
using System.Text.Json.Serialization;

namespace Appliance.Core.Policy;

/// <summary>
/// A policy set as JSON: how the store keeps versions, and the form an officer can export, review and import.
/// Networks are CIDR strings, durations "d.hh:mm:ss", enums by name; reading validates like the forms do.
/// </summary>
public static class PolicyJson
{
    private static readonly JsonSerializerOptions Options = CreateOptions();

    /// <summary>The set as JSON.</summary>
    public static string Serialize(PolicySet set) => JsonSerializer.Serialize(set, Options);

    /// <summary>Reads a set; throws <see cref="JsonException"/> for malformed JSON or an invalid network.</summary>
    public static PolicySet Deserialize(string json) =>
        JsonSerializer.Deserialize<PolicySet>(json, Options) ?? throw new JsonException("The policy is empty.");

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            RespectRequiredConstructorParameters = true,
            RespectNullableAnnotations = true,
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        };
        options.Converters.Add(new JsonStringEnumConverter(allowIntegerValues: false));
        options.Converters.Add(new NetworksConverter());
        options.Converters.Add(new AuthenticationConverter());
        options.Converters.Add(new SetConverter());
        return options;
    }

    private sealed class NetworksConverter : JsonConverter<ClientNetworks>
    {
        public override ClientNetworks Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            var texts = JsonSerializer.Deserialize<string[]>(ref reader, options) ?? throw new JsonException("Networks must be a list.");
            var networks = new List<ClientNetwork>();
            foreach (var text in texts)
            {
                networks.Add(ClientNetwork.TryParse(text, out var network, out var problem) ? network : throw new JsonException(problem));
            }

            return new ClientNetworks(networks);
        }

        public override void Write(Utf8JsonWriter writer, ClientNetworks value, JsonSerializerOptions options) =>
            JsonSerializer.Serialize(writer, value.Networks.Select(n => n.ToString()).ToArray(), options);
    }

    private sealed class AuthenticationConverter : JsonConverter<AuthenticationStrength>
    {
        public override AuthenticationStrength Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            var form = JsonSerializer.Deserialize<AuthenticationForm>(ref reader, options) ?? throw new JsonException("Staff authentication is missing.");
            return new AuthenticationStrength(form.Level, form.AcceptedAcrValues);
        }

        public override void Write(Utf8JsonWriter writer, AuthenticationStrength value, JsonSerializerOptions options) =>
            JsonSerializer.Serialize(writer, new AuthenticationForm(value.Level, [.. value.AcceptedAcrValues]), options);
    }

    /// <summary>The set's constructor takes any sequence of levels, which the serializer cannot bind; a form in between can.</summary>
    private sealed class SetConverter : JsonConverter<PolicySet>
    {
        public override PolicySet Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            var form = JsonSerializer.Deserialize<SetForm>(ref reader, options) ?? throw new JsonException("The policy is empty.");
            return new PolicySet(form.SchemeId, form.Version, form.Levels);
        }

        public override void Write(Utf8JsonWriter writer, PolicySet value, JsonSerializerOptions options) =>
            JsonSerializer.Serialize(writer, new SetForm(value.SchemeId, value.Version, [.. value.Levels]), options);
    }

    private sealed record SetForm(string SchemeId, int Version, PolicyLevel[] Levels);

    private sealed record AuthenticationForm(AuthenticationLevel Level, string[] AcceptedAcrValues);
}
