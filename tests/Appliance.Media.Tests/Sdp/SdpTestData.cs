namespace Appliance.Media.Tests.Sdp;

/// <summary>Reads the files in Sdp/TestData from the source tree (see TestData/README.md for their origin).</summary>
internal static class SdpTestData
{
    public static string TypicalOffer => Read("typical-offer.sdp");

    /// <summary>Chromium 156's answer to the typical offer, with the CRLF line ends Chrome sends.</summary>
    public static string ChromeAnswer => ToCrlf(Read("chrome-answer.sdp"));

    /// <summary>Chromium 156's answer to <see cref="TypicalSession.RetiredOffer"/>, with CRLF.</summary>
    public static string ChromeAnswerRetired => ToCrlf(Read("chrome-answer-retired.sdp"));

    public static string ToCrlf(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace("\n", "\r\n", StringComparison.Ordinal);

    public static string Read(string name)
    {
        // The files stay in the source tree rather than being copied to the output: walk up from the test
        // assembly (bin/<configuration>/<framework>) to the project folder.
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Appliance.Media.Tests.csproj")))
            {
                return File.ReadAllText(Path.Combine(directory.FullName, "Sdp", "TestData", name));
            }
        }

        throw new FileNotFoundException($"Appliance.Media.Tests.csproj not found above {AppContext.BaseDirectory}.", name);
    }
}
