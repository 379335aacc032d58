using Microsoft.Playwright;

namespace Appliance.BrowserTests.Infrastructure;

/// <summary>
/// Launches Debian's Chromium (not a Playwright-downloaded browser: this machine has no internet)
/// headless, with fake camera and microphone so that getUserMedia and WebRTC work unattended.
/// </summary>
internal static class ChromiumBrowser
{
    public const string ExecutableVariable = "APPLIANCE_CHROMIUM";

    public const string DefaultExecutable = "/usr/bin/chromium";

    private static readonly string[] Arguments =
    [
        // Running as root (CI, containers) makes the sandbox refuse to start.
        "--no-sandbox",
        // Docker's /dev/shm is 64 MB by default; renderers crash when it fills.
        "--disable-dev-shm-usage",
        // Synthetic camera and microphone, and no permission prompt for them.
        "--use-fake-device-for-media-stream",
        "--use-fake-ui-for-media-stream",
        // Lets peer connections use 127.0.0.1 candidates, which is where the test host listens.
        "--allow-loopback-in-peer-connection",
        // Nothing may try to reach the internet: it is not there and the attempts cost time.
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-gpu",
    ];

    public static string ExecutablePath
    {
        get
        {
            var configured = Environment.GetEnvironmentVariable(ExecutableVariable);
            return string.IsNullOrWhiteSpace(configured) ? DefaultExecutable : configured;
        }
    }

    public static async Task<IBrowser> LaunchAsync(IPlaywright playwright)
    {
        ArgumentNullException.ThrowIfNull(playwright);

        var executable = ExecutablePath;
        if (!File.Exists(executable))
        {
            throw new FileNotFoundException(
                $"Chromium was not found at '{executable}'. Install it with 'apt-get install chromium' " +
                $"(tests/run.sh does this), or set {ExecutableVariable} to the browser's path.",
                executable);
        }

        return await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = executable,
            Headless = true,
            Args = Arguments,
        }).ConfigureAwait(false);
    }

    public static BrowserNewContextOptions ContextOptions(string baseUrl) => new()
    {
        // The appliance serves HTTPS with a self-signed certificate.
        IgnoreHTTPSErrors = true,
        BaseURL = baseUrl,
        Locale = "en-GB",
        Permissions = ["camera", "microphone"],
    };
}
