namespace Appliance.Crypto.E2ee;

/// <summary>Which of a sender's streams a KID names; each has its own key, salt and counter.</summary>
public enum StreamKind
{
    /// <summary>Audio from the microphone.</summary>
    Microphone = 0,

    /// <summary>Video from the camera.</summary>
    Camera = 1,

    /// <summary>The shared screen.</summary>
    Screen = 2,

    /// <summary>Chat messages.</summary>
    Chat = 3,
}

/// <summary>A KID taken apart: the sender, the stream and the generation modulo 256.</summary>
/// <param name="SenderIndex">The sender index the server gave (1, 2, …).</param>
/// <param name="Stream">The stream.</param>
/// <param name="GenerationMod256">The sender's generation modulo 256.</param>
public readonly record struct SenderKidParts(int SenderIndex, StreamKind Stream, int GenerationMod256);

/// <summary>KID = senderIndex × 1024 + stream × 256 + (gen mod 256) (README.md, "Keys").</summary>
public static class SenderKid
{
    /// <summary>The KID of a sender's stream in a generation.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The sender index is below 1, the generation negative, or the stream unknown.</exception>
    public static ulong Compose(int senderIndex, StreamKind stream, int gen)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(senderIndex, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(gen);
        if (!Enum.IsDefined(stream))
        {
            throw new ArgumentOutOfRangeException(nameof(stream), stream, "Not a sender stream.");
        }

        return ((ulong)senderIndex * 1024) + ((ulong)stream * 256) + (ulong)(gen % 256);
    }

    /// <summary>Takes a KID apart; false for a KID no sender index could have made.</summary>
    public static bool TryDecompose(ulong kid, out SenderKidParts parts)
    {
        var senderIndex = kid / 1024;
        parts = default;
        if (senderIndex is 0 or > int.MaxValue)
        {
            return false;
        }

        parts = new SenderKidParts((int)senderIndex, (StreamKind)(int)(kid / 256 % 4), (int)(kid % 256));
        return true;
    }
}
