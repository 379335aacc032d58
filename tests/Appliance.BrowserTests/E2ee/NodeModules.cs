using System.Diagnostics;
using System.Text.Json;

namespace Appliance.BrowserTests.E2ee;

/// <summary>
/// Runs the same test bodies as <see cref="E2eePage"/> in Node.js (a second WebCrypto, V8 without Blink), importing the
/// modules from this build's wwwroot. A bonus beside Chromium, never instead of it: where no node is installed the
/// Node cases are skipped.
/// </summary>
internal static class NodeModules
{
    // Reads { body, arg, moduleRoot } from stdin, runs body as an async function of arg, writes the result as JSON.
    // The flag lets JSON.parse revivers see the source text of big numbers, as Chromium does by default.
    private const string Runner = """
        const chunks = [];
        for await (const chunk of process.stdin) chunks.push(chunk);
        const { body, arg, moduleRoot } = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        const AsyncFunction = (async () => {}).constructor;
        const run = new AsyncFunction('arg', body.replaceAll("'/js/e2ee/", `'${moduleRoot}`));
        process.stdout.write(JSON.stringify(await run(arg)));
        """;

    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    public static async Task<T> RunAsync<T>(string body, object? arg = null)
    {
        var moduleRoot = new Uri(Path.Combine(AppContext.BaseDirectory, "wwwroot", "js", "e2ee") + Path.DirectorySeparatorChar).AbsoluteUri;
        var start = new ProcessStartInfo("node")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "--harmony-json-parse-with-source", "--disable-warning=MODULE_TYPELESS_PACKAGE_JSON", "--input-type=module", "-e", Runner })
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        }
        catch (System.ComponentModel.Win32Exception)
        {
            Assert.Ignore("node is not installed; the modules were checked in Chromium only.");
            throw;
        }

        using (process)
        {
            var input = JsonSerializer.Serialize(new { body = E2eePage.Helpers + "\n" + body, arg, moduleRoot }, Options);
            await process.StandardInput.WriteAsync(input);
            process.StandardInput.Close();
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await process.WaitForExitAsync(timeout.Token);
            Assert.That(process.ExitCode, Is.Zero, await error);
            return JsonSerializer.Deserialize<T>(await output, Options) ?? throw new InvalidOperationException("node returned null");
        }
    }
}
