namespace Appliance.Core.Validation;

/// <summary>Why an operation did not happen, in terms an edge (HTTP, UI) can map to a response.</summary>
public enum FailureKind
{
    /// <summary>The input was invalid; see the validation errors.</summary>
    Invalid,

    /// <summary>The thing does not exist, or the caller may not know it exists.</summary>
    NotFound,

    /// <summary>The caller is known but not allowed to do this.</summary>
    Forbidden,

    /// <summary>The thing is in a state that does not allow this (for example a cancelled meeting).</summary>
    Conflict,
}

/// <summary>The result of a domain operation: a value, or a failure the caller can show.</summary>
public sealed class Outcome<T>
{
    private Outcome(T? value, FailureKind? failure, string? message, ValidationErrors? errors, Policy.PolicyDecision? denial = null)
    {
        Value = value;
        Failure = failure;
        Message = message;
        Errors = errors;
        Denial = denial;
    }

    /// <summary>The classification policy's refusal, whose reason (en/da/sv) the caller shows as it stands.</summary>
    public Policy.PolicyDecision? Denial { get; }

    /// <summary>The value when the operation succeeded.</summary>
    public T? Value { get; }

    /// <summary>Null on success; otherwise what kind of failure.</summary>
    public FailureKind? Failure { get; }

    /// <summary>A message key describing the failure.</summary>
    public string? Message { get; }

    /// <summary>Field errors when <see cref="Failure"/> is <see cref="FailureKind.Invalid"/>.</summary>
    public ValidationErrors? Errors { get; }

    /// <summary>True when the operation succeeded.</summary>
    public bool Succeeded => Failure is null;

    /// <summary>A successful outcome.</summary>
    public static Outcome<T> Ok(T value) => new(value, null, null, null);

    /// <summary>An invalid-input outcome.</summary>
    public static Outcome<T> Invalid(ValidationErrors errors) => new(default, FailureKind.Invalid, Messages.ValidationFailed, errors);

    /// <summary>A failed outcome of the given kind.</summary>
    public static Outcome<T> Fail(FailureKind kind, string message) => new(default, kind, message, null);

    /// <summary>Refused by the classification policy (already audited); <see cref="Denial"/> holds the reason.</summary>
    public static Outcome<T> Denied(Policy.PolicyDecision decision)
    {
        ArgumentNullException.ThrowIfNull(decision);
        return new(default, FailureKind.Forbidden, Messages.PolicyDenied, null, decision);
    }
}
