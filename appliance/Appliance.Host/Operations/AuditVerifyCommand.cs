using Appliance.Storage;
using Appliance.Storage.Audit;
using Appliance.Host.Configuration;

namespace Appliance.Host.Operations;

/// <summary>
/// <c>verify-audit [--data &lt;dir&gt;]</c>: checks the audit log's chain and signed checkpoints without starting the web
/// host, so an auditor can run it beside a running appliance (it only reads). Exit codes: 0 intact, 1 broken, 2 when it
/// cannot run (bad arguments, no log, no key).
/// </summary>
public static class AuditVerifyCommand
{
    /// <summary>The verb on the command line.</summary>
    public const string Verb = "verify-audit";

    /// <summary>The log is intact.</summary>
    public const int Intact = 0;

    /// <summary>The log is broken; the first break is printed.</summary>
    public const int Broken = 1;

    /// <summary>Wrong arguments, or nothing to verify.</summary>
    public const int UsageError = 2;

    private const string Usage = "usage: Appliance.Host verify-audit [--data <data folder>]";

    /// <summary>Runs the verb with the arguments after it; writes the result to <paramref name="output"/>, problems to <paramref name="error"/>.</summary>
    public static async Task<int> RunAsync(IReadOnlyList<string> arguments, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);

        string? dataDirectory = null;
        for (var i = 0; i < arguments.Count; i++)
        {
            if (arguments[i] is "--data" && i + 1 < arguments.Count && dataDirectory is null)
            {
                dataDirectory = arguments[++i];
            }
            else
            {
                await error.WriteLineAsync($"verify-audit: unexpected argument '{arguments[i]}'.\n{Usage}").ConfigureAwait(false);
                return UsageError;
            }
        }

        var folder = Path.GetFullPath(dataDirectory ?? ConfiguredDataDirectory(), Directory.GetCurrentDirectory());
        var options = new AuditLogOptions { DataDirectory = folder };
        try
        {
            var result = await FileAuditLog.VerifyFileAsync(options).ConfigureAwait(false);
            await output.WriteLineAsync($"{options.DataDirectory}{Path.DirectorySeparatorChar}{options.FileName}: {result.Summary}").ConfigureAwait(false);
            return result.Intact ? Intact : Broken;
        }
        catch (Exception e) when (e is StorageException or IOException or UnauthorizedAccessException)
        {
            await error.WriteLineAsync("verify-audit: " + e.Message).ConfigureAwait(false);
            return UsageError;
        }
    }

    /// <summary>The data folder the appliance itself would use: appsettings, environment, else "data" in the working folder.</summary>
    private static string ConfiguredDataDirectory()
    {
        var environment = Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT") ?? Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT") ?? "Production";
        var configuration = new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true)
            .AddJsonFile($"appsettings.{environment}.json", optional: true)
            .AddEnvironmentVariables()
            .Build();
        return configuration.GetSection(ApplianceOptions.Section).Get<ApplianceOptions>()?.DataDirectory ?? "data";
    }
}
