using System.Globalization;
using Appliance.Core.Identity;
using Appliance.Crypto;
using Appliance.Host.Configuration;
using Appliance.Storage;

namespace Appliance.Host.Operations;

/// <summary>
/// The command line verb <c>create-automation-token</c>: for scripts that drive an installation through the REST API
/// (the load generator and benchmark, provisioning), it creates a local staff account with the Organiser role if it is
/// missing and prints a new personal API token for it on standard output, then exits without starting the server.
/// </summary>
/// <remarks>
/// It needs what running the appliance needs: the data folder and its database key. Whoever can read those controls the
/// installation already, so the verb grants nothing new; there is no way to do the same over the network. The account
/// gets a random password nobody learns, so it cannot sign in to pages (it never enrolls an authenticator either).
/// An installation whose first account is this one issues no administrator bootstrap link, so create the
/// administrator first on a real installation.
/// </remarks>
public static class AutomationToken
{
    /// <summary>The verb, the first command line argument.</summary>
    public const string Verb = "create-automation-token";

    private const string Usage = "usage: Appliance.Host create-automation-token [--user <name>] [--days <1-365>] [--Appliance:DataDirectory=<folder>]";

    /// <summary>Runs the verb with the arguments after it; returns the process exit code.</summary>
    public static async Task<int> RunAsync(IReadOnlyList<string> arguments, TextWriter output, TextWriter errors)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(errors);
        var userName = "automation";
        var days = 1;
        var configurationArguments = new List<string>();
        for (var i = 0; i < arguments.Count; i++)
        {
            switch (arguments[i])
            {
                case "--user" when i + 1 < arguments.Count:
                    userName = arguments[++i];
                    break;
                case "--days" when i + 1 < arguments.Count && int.TryParse(arguments[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) && parsed is >= 1 and <= 365:
                    days = parsed;
                    i++;
                    break;
                case var other when other.StartsWith("--Appliance:", StringComparison.Ordinal) || other.StartsWith("--Appliance__", StringComparison.Ordinal):
                    configurationArguments.Add(other);
                    break;
                default:
                    await errors.WriteLineAsync(Usage);
                    return 64;
            }
        }

        var configuration = new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true)
            .AddEnvironmentVariables()
            .AddCommandLine([.. configurationArguments])
            .Build();
        var options = configuration.GetSection(ApplianceOptions.Section).Get<ApplianceOptions>() ?? new ApplianceOptions();
        var dataDirectory = Path.GetFullPath(options.DataDirectory, Directory.GetCurrentDirectory());
        var time = TimeProvider.System;
        try
        {
            using var database = ApplianceDatabase.Open(new StorageOptions { DataDirectory = dataDirectory }, time);
            var accounts = new LocalAccounts(database.Identity, time);
            var user = await database.Identity.FindUserByNameAsync(userName);
            if (user is null)
            {
                // The local operator at the console stands in for an administrator creating the account.
                var console = new StaffActor("command-line", "Local operator", StaffRoles.Operator);
                var created = await accounts.CreateUserAsync(console, userName, "Automation (" + userName + ")", SecretToken.Generate(), StaffRoles.Organiser);
                if (!created.Succeeded)
                {
                    await errors.WriteLineAsync($"create-automation-token: the account '{userName}' cannot be created ({string.Join(", ", created.Errors?.ToDictionary().Keys ?? [])}).");
                    return 65;
                }

                user = created.Value!;
            }

            if (user.Disabled || (user.Roles & StaffRoles.Organiser) == 0)
            {
                await errors.WriteLineAsync($"create-automation-token: the account '{userName}' exists but is disabled or not an organiser.");
                return 65;
            }

            var token = await accounts.CreateApiTokenAsync(new StaffActor(user.Id, user.DisplayName, user.Roles), "automation (command line)", TimeSpan.FromDays(days));
            if (!token.Succeeded)
            {
                await errors.WriteLineAsync("create-automation-token: the token cannot be created.");
                return 65;
            }

            await errors.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"API token {token.Value.Token.Id} created for '{userName}', valid {days} day(s), in {dataDirectory}."));
            await output.WriteLineAsync(token.Value.Secret);
            return 0;
        }
        catch (Exception ex) when (ex is StorageException or IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            await errors.WriteLineAsync("create-automation-token: " + ex.Message);
            return 66;
        }
    }
}
