using System.Text;
using Appliance.Core.Classification;

namespace Appliance.Host.Security;

/// <summary>
/// The marking colours as a stylesheet, generated from the classification levels, so that pages need no inline style
/// (the CSP forbids it) while levels stay data.
/// </summary>
public static class MarkingStylesheet
{
    public static IResult Render(ClassificationCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        var css = new StringBuilder();
        foreach (var level in catalog.Levels)
        {
            if (!Contrast.IsHexColour(level.Colour) || !IsCssIdent(level.Id))
            {
                continue;
            }

            css.Append(".marking-").Append(level.Id).Append("{background:").Append(level.Colour)
               .Append(";color:").Append(level.TextColour).Append("}\n");
        }

        return Results.Text(css.ToString(), "text/css; charset=utf-8");
    }

    private static bool IsCssIdent(string id) => id.Length > 0 && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}
