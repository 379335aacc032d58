using Appliance.Core.Identity;
using Appliance.Core.Localization;
using Appliance.Core.Validation;
using Appliance.Host.Identity;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Appliance.Host.Pages;

/// <summary>What every page shares: translated error messages and the signed-in actor.</summary>
public abstract class AppPageModel : PageModel
{
    /// <summary>Messages for the error summary at the top of a form.</summary>
    public List<string> Errors { get; } = [];

    /// <summary>Field name → translated messages, for messages next to the fields.</summary>
    public Dictionary<string, List<string>> FieldErrors { get; } = new(StringComparer.Ordinal);

    /// <summary>The texts, for code-behind.</summary>
    protected static Texts T => Texts.Embedded;

    /// <summary>The signed-in staff member; pages under an authorisation convention always have one.</summary>
    protected StaffActor Actor => StaffAuthentication.ActorOf(User) ?? throw new InvalidOperationException("No signed-in staff member.");

    /// <summary>Adds a translated error for the summary.</summary>
    protected void AddError(string key) => Errors.Add(T[key]);

    /// <summary>Shows a classification policy refusal with its reason, in the page's language.</summary>
    protected void AddDenial(Appliance.Core.Policy.PolicyDecision denial)
    {
        ArgumentNullException.ThrowIfNull(denial);
        Errors.Add(denial.ReasonIn(Signalling.SignallingHub.LanguageOf(System.Globalization.CultureInfo.CurrentUICulture)));
    }

    /// <summary>Adds translated validation errors, each prefixed by its field's label.</summary>
    protected void AddErrors(ValidationErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        foreach (var (field, message) in errors.All())
        {
            var text = T[message];
            var label = T["field." + FieldKey(field)];
            Errors.Add($"{label}: {text}");
            if (!FieldErrors.TryGetValue(field, out var list))
            {
                list = [];
                FieldErrors[field] = list;
            }

            list.Add(text);
        }
    }

    /// <summary>The translated messages for one field (for aria-describedby next to the input).</summary>
    public IReadOnlyList<string> ErrorsFor(string field) => FieldErrors.TryGetValue(field, out var list) ? list : [];

    // participants[3].name → participant.name, so that labels need one text per kind of field.
    private static string FieldKey(string field)
    {
        var bracket = field.IndexOf('[', StringComparison.Ordinal);
        return bracket < 0 ? field : field[..bracket] + field[(field.IndexOf(']', StringComparison.Ordinal) + 1)..];
    }
}
