namespace Appliance.Crypto.Aead;

/// <summary>Which AES-GCM code runs under <see cref="IAesGcm"/>.</summary>
internal enum AesGcmImplementation
{
    /// <summary>AES-NI and carry-less multiply when this CPU has them, otherwise the platform's.</summary>
    Fastest,

    /// <summary>System.Security.Cryptography.AesGcm (OpenSSL on Linux): the fallback, forced for tests.</summary>
    Platform,

    /// <summary>The intrinsics implementation; refused where the CPU lacks the instructions.</summary>
    Intrinsics,
}

/// <summary>Creates the AES-GCM of one key, choosing the implementation once.</summary>
internal static class AesGcmCipher
{
    /// <summary>The tag length every caller uses.</summary>
    internal const int TagLength = 16;

    /// <summary>The nonce length every caller uses.</summary>
    internal const int NonceLength = 12;

    /// <summary>What <see cref="AesGcmImplementation.Fastest"/> resolves to on this machine.</summary>
    internal static AesGcmImplementation Preferred => IntrinsicsAesGcm.IsSupported ? AesGcmImplementation.Intrinsics : AesGcmImplementation.Platform;

    /// <summary>An AES-GCM under <paramref name="key"/> (16 or 32 bytes).</summary>
    public static IAesGcm Create(ReadOnlySpan<byte> key, AesGcmImplementation implementation = AesGcmImplementation.Fastest)
    {
        if (implementation == AesGcmImplementation.Fastest)
        {
            implementation = Preferred;
        }

        return implementation switch
        {
            AesGcmImplementation.Intrinsics => new IntrinsicsAesGcm(key),
            AesGcmImplementation.Platform => new PlatformAesGcm(key),
            _ => throw new ArgumentOutOfRangeException(nameof(implementation), implementation, "Not an AES-GCM implementation."),
        };
    }
}
