using System.Security.Cryptography;

namespace Appliance.Crypto.Srtp;

/// <summary>
/// The master key and master salt of one direction of an SRTP association, for one profile. Session keys
/// are derived from them when an <see cref="SrtpSession"/> is created; dispose this once the sessions exist
/// so that the master secrets do not outlive their use.
/// </summary>
public sealed class SrtpKeys : IDisposable
{
    /// <summary>The TLS exporter label for DTLS-SRTP keying material (RFC 5764 §4.2).</summary>
    public const string DtlsExporterLabel = "EXTRACTOR-dtls_srtp";

    private readonly byte[] _masterKey;
    private readonly byte[] _masterSalt;
    private bool _disposed;

    /// <summary>Copies a master key and salt whose lengths fit <paramref name="profile"/>.</summary>
    public SrtpKeys(SrtpProfile profile, ReadOnlySpan<byte> masterKey, ReadOnlySpan<byte> masterSalt)
    {
        if (!SrtpProfileParameters.TryFromProtectionProfileId((int)profile, out _))
        {
            throw new ArgumentOutOfRangeException(nameof(profile), profile, "Not an SRTP protection profile this library implements.");
        }

        if (masterKey.Length != profile.MasterKeyLength)
        {
            throw new ArgumentException($"{profile} needs a {profile.MasterKeyLength}-byte master key.", nameof(masterKey));
        }

        if (masterSalt.Length != profile.MasterSaltLength)
        {
            throw new ArgumentException($"{profile} needs a {profile.MasterSaltLength}-byte master salt.", nameof(masterSalt));
        }

        Profile = profile;
        _masterKey = masterKey.ToArray();
        _masterSalt = masterSalt.ToArray();
    }

    /// <summary>The protection profile these keys are for.</summary>
    public SrtpProfile Profile { get; }

    /// <summary>The master key.</summary>
    public ReadOnlySpan<byte> MasterKey
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _masterKey;
        }
    }

    /// <summary>The master salt.</summary>
    public ReadOnlySpan<byte> MasterSalt
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _masterSalt;
        }
    }

    /// <summary>
    /// Splits keying material exported from a DTLS handshake — client_write_key | server_write_key |
    /// client_write_salt | server_write_salt (RFC 5764 §4.2) — into the keys this side sends with and the
    /// keys it receives with. The server sends with the server_write values and receives with the client's.
    /// </summary>
    /// <exception cref="ArgumentException">The material is not the profile's DtlsKeyingMaterialLength long.</exception>
    public static (SrtpKeys Send, SrtpKeys Receive) FromDtlsExport(ReadOnlySpan<byte> keyingMaterial, SrtpProfile profile, bool isServer)
    {
        if (!SrtpProfileParameters.TryFromProtectionProfileId((int)profile, out _))
        {
            throw new ArgumentOutOfRangeException(nameof(profile), profile, "Not an SRTP protection profile this library implements.");
        }

        if (keyingMaterial.Length != profile.DtlsKeyingMaterialLength)
        {
            throw new ArgumentException(
                $"{profile} needs {profile.DtlsKeyingMaterialLength} bytes of DTLS keying material.", nameof(keyingMaterial));
        }

        var keyLength = profile.MasterKeyLength;
        var saltLength = profile.MasterSaltLength;
        var clientKey = keyingMaterial[..keyLength];
        var serverKey = keyingMaterial.Slice(keyLength, keyLength);
        var clientSalt = keyingMaterial.Slice(2 * keyLength, saltLength);
        var serverSalt = keyingMaterial.Slice((2 * keyLength) + saltLength, saltLength);

        var client = new SrtpKeys(profile, clientKey, clientSalt);
        var server = new SrtpKeys(profile, serverKey, serverSalt);
        return isServer ? (server, client) : (client, server);
    }

    /// <summary>Overwrites the master key and salt.</summary>
    public void Dispose()
    {
        CryptographicOperations.ZeroMemory(_masterKey);
        CryptographicOperations.ZeroMemory(_masterSalt);
        _disposed = true;
    }
}
