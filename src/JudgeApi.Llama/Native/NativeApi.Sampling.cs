using System.Runtime.InteropServices;

namespace JudgeApi.Llama.Native;

// Sampler chains (libllama). A sampler added to a chain is owned (and freed) by the chain.
internal static unsafe partial class NativeApi
{
    [LibraryImport(Llama)]
    internal static partial llama_sampler_chain_params llama_sampler_chain_default_params();

    [LibraryImport(Llama)]
    internal static partial IntPtr llama_sampler_chain_init(llama_sampler_chain_params @params);

    [LibraryImport(Llama)]
    internal static partial void llama_sampler_chain_add(SafeLlamaSamplerHandle chain, IntPtr smpl);

    [LibraryImport(Llama)]
    internal static partial IntPtr llama_sampler_chain_get(SafeLlamaSamplerHandle chain, int i);

    [LibraryImport(Llama)]
    internal static partial IntPtr llama_sampler_init_greedy();

    [LibraryImport(Llama)]
    internal static partial IntPtr llama_sampler_init_dist(uint seed);

    [LibraryImport(Llama)]
    internal static partial IntPtr llama_sampler_init_temp(float t);

    [LibraryImport(Llama)]
    internal static partial IntPtr llama_sampler_init_top_k(int k);

    [LibraryImport(Llama)]
    internal static partial IntPtr llama_sampler_init_top_p(float p, nuint min_keep);

    [LibraryImport(Llama)]
    internal static partial IntPtr llama_sampler_init_min_p(float p, nuint min_keep);

    /// <summary>Returns NULL when the GBNF grammar does not parse or lacks the root rule.</summary>
    [LibraryImport(Llama, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial IntPtr llama_sampler_init_grammar(IntPtr vocab, string grammar_str, string grammar_root);

    [LibraryImport(Llama)]
    internal static partial void llama_sampler_accept(SafeLlamaSamplerHandle smpl, int token);

    /// <summary>Applies one sampler (not necessarily a chain) to candidates; raw pointer because chain members are not owned.</summary>
    [LibraryImport(Llama)]
    internal static partial void llama_sampler_apply(IntPtr smpl, llama_token_data_array* cur_p);

    [LibraryImport(Llama)]
    internal static partial void llama_sampler_reset(SafeLlamaSamplerHandle smpl);

    [LibraryImport(Llama)]
    internal static partial void llama_sampler_free(IntPtr smpl);
}
