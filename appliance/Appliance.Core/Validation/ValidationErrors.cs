namespace Appliance.Core.Validation;

/// <summary>
/// Field-level validation messages, collected so that a form or an API caller can show every problem at once.
/// Messages are message keys (see <see cref="Messages"/>) so that each edge can translate them.
/// </summary>
public sealed class ValidationErrors
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    /// <summary>True when no field has an error.</summary>
    public bool IsEmpty => _errors.Count == 0;

    /// <summary>Adds a message for a field.</summary>
    public void Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var list))
        {
            list = [];
            _errors[field] = list;
        }

        list.Add(message);
    }

    /// <summary>The messages by field, as the API's problem+json "errors" member expects.</summary>
    public IDictionary<string, string[]> ToDictionary() =>
        _errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);

    /// <summary>Every (field, message) pair in insertion order of the fields.</summary>
    public IEnumerable<(string Field, string Message)> All() =>
        _errors.SelectMany(e => e.Value.Select(m => (e.Key, m)));
}
