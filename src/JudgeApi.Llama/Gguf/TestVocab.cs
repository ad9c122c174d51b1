namespace JudgeApi.Llama.Gguf;

/// <summary>
/// Puts a tokenizer into a generated model: the tokenizer.* keys of a vocab file from the llama.cpp source
/// bundle, plus the ChatML control tokens (appended when the vocab lacks them), EOS set to &lt;|im_end|&gt;
/// and a chat template (by default ChatML, which llama_chat_apply_template recognises). A template with think tags
/// gets &lt;think&gt; and &lt;/think&gt; as user-defined tokens when the vocab lacks them, as Qwen3's vocab has them.
/// </summary>
internal static class TestVocab
{
    public const string ImStart = "<|im_start|>";
    public const string ImEnd = "<|im_end|>";

    public const string ChatTemplate =
        "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}{% endfor %}" +
        "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

    // llama_token_type of llama.h
    private const int ControlTokenType = 3;
    private const int UserDefinedTokenType = 4;

    /// <summary>Directory the build copies the vocab files to.</summary>
    public static string Directory => Path.Combine(AppContext.BaseDirectory, "vocab");

    /// <summary>Writes the tokenizer keys and <paramref name="chatTemplate"/> (none when empty); returns the vocabulary size.</summary>
    public static int Apply(GgufWriter writer, string vocabFile, string chatTemplate)
    {
        var path = Path.Combine(Directory, vocabFile);
        if (!File.Exists(path))
            throw new LlamaException($"Vocabulary '{path}' is missing. Build JudgeApi.Llama: it copies the vocab files from the llama.cpp source bundle (.cache/llama.cpp/models).");

        using var vocab = GgufFile.Open(path);
        if (!vocab.TryGetStringArray("tokenizer.ggml.tokens", out var tokenArray) || !vocab.TryGetArray<int>("tokenizer.ggml.token_type", out var typeArray))
            throw new LlamaException($"'{path}' has no tokenizer.ggml.tokens / token_type arrays.");
        var tokens = tokenArray.ToList();
        var types = typeArray.ToList();
        var scores = vocab.TryGetArray<float>("tokenizer.ggml.scores", out var scoreArray) ? scoreArray.ToList() : null;

        writer.CopyMetadata(vocab);
        foreach (var key in vocab.Keys.Where(k => !k.StartsWith("tokenizer.", StringComparison.Ordinal)))
            writer.RemoveKey(key);

        var imEnd = 0;
        var thinks = chatTemplate.Contains("</think>", StringComparison.Ordinal);
        foreach (var (special, type) in new[] { (ImStart, ControlTokenType), (ImEnd, ControlTokenType), ("<think>", UserDefinedTokenType), ("</think>", UserDefinedTokenType) })
        {
            if (type == UserDefinedTokenType && !thinks)
                continue;
            var id = tokens.IndexOf(special);
            if (id < 0)
            {
                id = tokens.Count;
                tokens.Add(special);
                types.Add(type);
                scores?.Add(0f);
            }
            if (special == ImEnd)
                imEnd = id;
        }

        writer.SetStringArray("tokenizer.ggml.tokens", tokens);
        writer.SetInt32Array("tokenizer.ggml.token_type", types.ToArray());
        if (scores is not null)
            writer.SetFloatArray("tokenizer.ggml.scores", scores.ToArray());
        writer.SetUInt32("tokenizer.ggml.eos_token_id", (uint)imEnd);
        if (chatTemplate.Length > 0)
            writer.SetString("tokenizer.chat_template", chatTemplate);
        return tokens.Count;
    }
}
