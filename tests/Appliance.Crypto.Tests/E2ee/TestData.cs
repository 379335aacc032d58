using System.Text.Json;

namespace Appliance.Crypto.Tests.E2ee;

/// <summary>The shared test vectors under tests/testdata, copied beside the test assembly by the project file.</summary>
internal static class TestData
{
    public static JsonDocument Load(params string[] relativePath) =>
        JsonDocument.Parse(File.ReadAllBytes(Path.Combine([TestContext.CurrentContext.TestDirectory, "testdata", .. relativePath])));

    public static byte[] Hex(this JsonElement element, string property) =>
        Convert.FromHexString(element.GetProperty(property).GetString()!);
}
