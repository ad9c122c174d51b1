using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using JudgeApi.Tests.Fuzz;
using JudgeApi.Tests.Loop;

namespace JudgeApi.Tests.Hardening;

/// <summary>Uploads that would break judging or the registry are refused with a reason, before anything is stored.</summary>
public sealed class AdapterUploadTests(DataServerFixture fixture) : IClassFixture<DataServerFixture>
{
    private HttpClient Client => fixture.Server.Client;

    private GgufLayout Good => GgufLayout.Read(AdapterFiles.Good(fixture.Files.Path));

    public static TheoryData<string> NonFiniteValues => new() { "NaN", "Infinity", "-Infinity" };

    [Theory]
    [MemberData(nameof(NonFiniteValues))]
    public async Task A_factor_holding_a_non_finite_value_is_refused(string value)
    {
        var good = Good;
        var lora = good.TensorNamed("blk.0.attn_q.weight.lora_b");
        var bytes = good.With(good.DataStart + lora.DataOffset + 4 * 5, float.Parse(value, System.Globalization.CultureInfo.InvariantCulture));

        var detail = await RejectedAsync(bytes);

        Assert.Contains("not a finite number", detail);
        Assert.Contains("lora_b", detail);
    }

    [Theory]
    [InlineData(1e30f)]
    [InlineData(1e6f)]
    public async Task An_absurd_alpha_is_refused(float alpha)
    {
        var good = Good;

        var detail = await RejectedAsync(good.With(good.KeyNamed("adapter.lora.alpha").ValueAt, alpha));

        Assert.Contains("alpha", detail);
    }

    [Fact]
    public async Task Bytes_beyond_the_tensor_data_are_refused()
    {
        var detail = await RejectedAsync([.. Good.Bytes, .. new byte[4096]]);

        Assert.Contains("belong to no tensor", detail);
    }

    [Fact]
    public async Task The_same_adapter_uploaded_twice_is_stored_once()
    {
        // A value of its own, so no other test's upload has these bytes.
        var good = Good;
        var bytes = good.With(good.KeyNamed("adapter.lora.alpha").ValueAt, 3.25f);

        using var first = await UploadAsync(bytes);
        using var second = await UploadAsync(bytes);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var id = (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.Contains(id, (await second.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
        Assert.Single(await LoopTestApi.AdaptersAsync(Client), a => a!["id"]!.GetValue<string>() == id);
    }

    [Fact]
    public async Task Rejections_name_no_server_path()
    {
        var truncated = await File.ReadAllBytesAsync(AdapterFiles.Truncated(fixture.Files.Path));
        var wrongShape = await File.ReadAllBytesAsync(AdapterFiles.WrongShape(fixture.Files.Path));
        var good = Good;
        var headerCut = good.Bytes[..(int)(good.DataStart - 40)];

        foreach (var bytes in new[] { truncated, wrongShape, headerCut, "GGUF-but-no"u8.ToArray(), [] })
        {
            var detail = await RejectedAsync(bytes);
            Assert.DoesNotContain(fixture.DataDir, detail);
            Assert.DoesNotContain(".tmp", detail);
            Assert.DoesNotContain(Path.GetTempPath(), detail);
        }
    }

    public static TheoryData<string, string> MalformedBodies => new()
    {
        { "empty body", "" },
        { "no boundary in the body", "just some bytes without any multipart structure" },
        { "a file part with no closing boundary", "--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.gguf\"\r\n\r\nGGUF and then the body just ends" },
        { "a part header over 16 KB", "--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.gguf\"\r\nX-Long: " + new string('x', 20_000) + "\r\n\r\nGGUF\r\n--B--\r\n" },
        { "a part with more than 16 headers", "--B\r\n" + string.Concat(Enumerable.Range(0, 20).Select(i => $"X-H{i}: v\r\n")) + "Content-Disposition: form-data; name=\"file\"; filename=\"a.gguf\"\r\n\r\nGGUF\r\n--B--\r\n" },
        { "many parts and no file", string.Concat(Enumerable.Range(0, 40).Select(i => $"--B\r\nContent-Disposition: form-data; name=\"f{i}\"\r\n\r\nv\r\n")) + "--B--\r\n" },
        { "a header line without a colon", "--B\r\nthis is not a header\r\n\r\nGGUF\r\n--B--\r\n" },
    };

    [Theory]
    [MemberData(nameof(MalformedBodies))]
    public async Task Malformed_multipart_is_a_400_with_a_reason(string name, string body)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        content.Headers.TryAddWithoutValidation("Content-Type", "multipart/form-data; boundary=B");

        using var response = await Client.PostAsync("/adapters", content);

        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()), name);
        using var alive = await Client.GetAsync("/health/live");
        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
    }

    [Theory]
    [InlineData("multipart/form-data", HttpStatusCode.BadRequest)]
    [InlineData("multipart/form-data; boundary=", HttpStatusCode.BadRequest)]
    [InlineData("application/octet-stream", HttpStatusCode.UnsupportedMediaType)]
    public async Task A_content_type_without_a_usable_boundary_is_refused(string contentType, HttpStatusCode status)
    {
        var content = new ByteArrayContent("GGUF"u8.ToArray());
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);

        using var response = await Client.PostAsync("/adapters", content);

        await ProblemAsync(response, status);
    }

    private async Task<string> RejectedAsync(byte[] bytes)
    {
        using var response = await UploadAsync(bytes);
        return (await ProblemAsync(response, HttpStatusCode.BadRequest)).GetProperty("detail").GetString()!;
    }

    private async Task<HttpResponseMessage> UploadAsync(byte[] bytes)
    {
        using var content = new MultipartFormDataContent();
        content.Add(new ByteArrayContent(bytes), "file", "adapter.gguf");
        return await Client.PostAsync("/adapters", content);
    }

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"{(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(body).RootElement;
    }
}
