using System.Security.Cryptography;
using Appliance.Crypto.Dtls;
using Appliance.Crypto.Srtp;

namespace Appliance.Media.Transport;

/// <summary>The two SRTP sessions of one side of a DTLS-SRTP association.</summary>
internal static class SrtpContexts
{
    /// <summary>
    /// Derives the sending and receiving sessions from a handshake's keying material, then wipes the material:
    /// once the session keys exist, the master keys have no further use.
    /// </summary>
    public static (SrtpSession Send, SrtpSession Receive, SrtpProfile Profile) FromDtls(DtlsSrtpResult result, bool isServer)
    {
        try
        {
            if (!SrtpProfileParameters.TryFromProtectionProfileId(result.ProtectionProfile, out var profile))
            {
                throw new InvalidOperationException($"SRTP protection profile {result.ProtectionProfile} was negotiated but is not implemented.");
            }

            var (sendKeys, receiveKeys) = SrtpKeys.FromDtlsExport(result.KeyingMaterial, profile, isServer);
            using (sendKeys)
            using (receiveKeys)
            {
                var send = SrtpSession.ForSending(sendKeys);
                try
                {
                    return (send, SrtpSession.ForReceiving(receiveKeys), profile);
                }
                catch
                {
                    send.Dispose();
                    throw;
                }
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(result.KeyingMaterial);
        }
    }
}
