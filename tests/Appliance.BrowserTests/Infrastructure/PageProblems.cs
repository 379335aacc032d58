using Microsoft.Playwright;

namespace Appliance.BrowserTests.Infrastructure;

/// <summary>
/// Collects what a person would never see but a broken page shows in the console: script errors, failed loads and
/// Content-Security-Policy violations (the policy forbids inline script and style, so each one is a bug in the host).
/// </summary>
internal sealed class PageProblems
{
    private readonly List<string> _problems = [];

    /// <summary>Everything reported so far, each with the page it happened on.</summary>
    public IReadOnlyList<string> All
    {
        get
        {
            lock (_problems)
            {
                return [.. _problems];
            }
        }
    }

    /// <summary>Watches every page the context has or opens.</summary>
    public void Watch(IBrowserContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        foreach (var page in context.Pages)
        {
            Watch(page);
        }

        context.Page += (_, page) => Watch(page);
    }

    private void Watch(IPage page)
    {
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                Add($"{page.Url}: console error: {message.Text} (at {message.Location})");
            }
        };
        page.PageError += (_, error) => Add($"{page.Url}: uncaught script error: {error}");
    }

    private void Add(string problem)
    {
        lock (_problems)
        {
            _problems.Add(problem);
        }
    }
}
