using System.Diagnostics;
using JudgeApi.Judging.Scheduling;
using JudgeApi.Llama;
using JudgeApi.Llama.Gguf;
using JudgeApi.Llama.IO;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace JudgeApi.Judging;

/// <summary>
/// The llama.cpp judge: loads the model (or generates the demo model), one context with
/// <see cref="JudgeOptions.Sequences"/> sequences, and the <see cref="SequenceScheduler"/> that owns it, and turns
/// judgments and generations into scheduler jobs (a <see cref="JudgmentProgram"/> reads each verdict).
/// Tokenizing happens on the caller's thread; everything that touches the context runs on the scheduler's.
/// </summary>
public sealed class LlamaJudgeEngine(IOptions<JudgeOptions> options, JudgeMetrics metrics,
    ILogger<LlamaJudgeEngine> logger) : IJudgeEngine, IDisposable
{
    // Retokenizing the reasoning with the verdict lead can take a few more tokens than were generated.
    private const int VerdictSlack = 16;

    private readonly JudgeOptions _options = options.Value;
    private Loaded? _loaded;
    private ActiveWeights _active = new(null, null, null, DateTimeOffset.UtcNow);

    public bool IsReady => Volatile.Read(ref _loaded) is not null;

    public JudgeModelInfo Model
    {
        get
        {
            var info = Current.Info;
            var active = Volatile.Read(ref _active);
            return info with { AdapterPath = active.Path, AdapterHash = active.Hash, WeightsSince = active.Since };
        }
    }

    public string? LoadFailure => Volatile.Read(ref _loadFailure);

    private string? _loadFailure;

    private Loaded Current => Volatile.Read(ref _loaded)
        ?? throw (LoadFailure is { } failure
            ? new JudgeEngineNotReadyException($"The judge model failed to load, so nothing can be judged until an operator fixes it and restarts the service: {failure}", loadFailed: true)
            : new JudgeEngineNotReadyException("The judge model is still loading; try again shortly (GET /health/ready says when).", loadFailed: false));

    /// <summary>Loads everything; called once by <see cref="JudgeEngineLoader"/> off the request path. A failure is kept for <see cref="LoadFailure"/>.</summary>
    /// <param name="adapterPath">Adapter to start with (the registry's active one); null: Judge:AdapterPath, if set.</param>
    public void Load(string? adapterPath = null)
    {
        try
        {
            LoadModel(adapterPath);
        }
        catch (Exception ex)
        {
            Volatile.Write(ref _loadFailure, ex.Message);
            throw;
        }
    }

    private void LoadModel(string? adapterPath)
    {
        var backend = Enum.Parse<LlamaBackend>(_options.Backend, ignoreCase: true);
        LlamaRuntime.Initialize(backend);

        var isDemo = _options.IsDemo;
        var path = isDemo ? _options.DemoModelPath : _options.ModelPath!;
        if (isDemo)
        {
            if (!File.Exists(path))
            {
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                TestModelWriter.Write(new TestModelSpec(), path);
            }
            logger.LogWarning(
                "NO JUDGE MODEL CONFIGURED: serving the generated demo model {Path}. Its weights are random, so its verdicts are random. " +
                "Point Judge:ModelPath (env Judge__ModelPath) at an instruction-tuned GGUF model to get real judgments.", path);
        }

        var model = LlamaModel.Load(path, new ModelOptions { GpuLayers = _options.GpuLayers });
        ChatTemplate template;
        try
        {
            template = TemplateOf(model);
        }
        catch
        {
            model.Dispose();
            throw;
        }
        var (context, perJudgment, scheduling) = CreateContext(model);

        adapterPath ??= string.IsNullOrWhiteSpace(_options.AdapterPath) ? null : _options.AdapterPath;
        var adapters = new AdapterCache(model);
        LoraAdapter? adapter = null;
        if (adapterPath is not null)
        {
            adapter = adapters.Get(adapterPath);
            context.SetLoraAdapters([(adapter, 1f)]);
        }
        Volatile.Write(ref _active, new ActiveWeights(adapter, adapterPath, adapterPath is null ? null : FileHash.Sha256(adapterPath), DateTimeOffset.UtcNow));

        var tokenizer = new PromptTokenizer(new ChatTokenizer(model, template));
        if (template.IsPlain)
            logger.LogWarning("Model {Path} has no chat template; prompts use a plain '### role:' layout.", path);
        // A model that always thinks gets its own budget for the thought, before the reasoning's.
        var thinking = template.Thinking == ChatThinking.Always ? _options.MaxThinkingTokens : 0;
        var behavior = new JudgeBehavior($"{template.Description}, thinking {template.Thinking.ToString().ToLowerInvariant()}", thinking);

        var info = new JudgeModelInfo(path, FileHash.Sha256(path), model.Architecture, model.Description, model.ParameterCount,
            model.SizeBytes, perJudgment, _options.Sequences, backend.ToString(), null, null, isDemo, ChatTemplateName, behavior.Version);
        // Room for what follows the reasoning: the end of a thought, a blank line and the verdict lead, with slack for a retokenized end.
        var verdictRoom = model.Tokenize("\n</think>\n\n" + JudgePrompt.VerdictLead + JudgePrompt.LabelA, addSpecial: false).Length + VerdictSlack;
        var scheduler = new SequenceScheduler(context, metrics, scheduling, adapter);
        Volatile.Write(ref _loaded, new Loaded(model, context, scheduler, adapters, tokenizer, thinking, verdictRoom, info));
        logger.LogInformation(
            "Judge model {Path} ({Architecture}, {Parameters} parameters, {Context} tokens per judgment, {Sequences} sequences, {Cells} KV cells, " +
            "{Threads} threads, {Backend}, {Template} chat template, thinking {Thinking}) is ready.",
            path, info.Architecture, info.ParameterCount, perJudgment, info.Sequences, context.ContextSize, _options.DecodeThreads, info.Backend,
            template.Description, template.Thinking);
    }

    private string? ChatTemplateName => string.IsNullOrWhiteSpace(_options.ChatTemplate) ? null : _options.ChatTemplate.Trim();

    /// <summary>The template prompts are rendered with, probed now so that a model whose template cannot render never turns ready.</summary>
    private ChatTemplate TemplateOf(LlamaModel model)
    {
        try
        {
            return ChatTemplate.For(model, ChatTemplateName);
        }
        catch (LlamaChatTemplateException e) when (ChatTemplateName is null)
        {
            throw new LlamaChatTemplateException(
                $"{e.Message} Set Judge:ChatTemplate to the one this model was trained with (env Judge__ChatTemplate); until then no judge prompt can be rendered.", e);
        }
        catch (LlamaChatTemplateException e)
        {
            throw new LlamaChatTemplateException($"Judge:ChatTemplate is '{ChatTemplateName}': {e.Message}", e);
        }
    }

    /// <summary>
    /// One unified KV cache of <see cref="JudgeOptions.KvCacheTokens"/> cells for every sequence, with spare
    /// sequence ids for the prefix cache; or (Judge:KvUnified off, or reproducible background work) one KV stream of
    /// ContextSize cells per sequence: each keeps its last prompt for the next job (<see cref="KeptPrompts"/>), unless
    /// background work must be reproducible, when a sequence's cells depend on nothing else and whole-prompt sharing
    /// is the only reuse.
    /// </summary>
    private (LlamaContext Context, int PerJudgment, SchedulerOptions Scheduling) CreateContext(LlamaModel model)
    {
        var perJudgment = Math.Min(_options.ContextSize, model.TrainContextLength);
        var sequences = _options.Sequences;
        var unified = _options.KvUnified && !_options.ReproducibleBackground;
        var prefixSequences = !unified || _options.PrefixCacheTokens == 0 ? 0 : Math.Min(sequences, LlamaContext.MaxSequences - sequences);
        var context = new LlamaContext(model, new ContextOptions
        {
            ContextSize = unified ? _options.KvCacheTokens : perJudgment * sequences,
            BatchSize = _options.BatchSize,
            MicroBatchSize = _options.BatchSize,
            Sequences = sequences + prefixSequences,
            KvUnified = unified,
            Threads = _options.DecodeThreads,
            Poll = _options.Poll,
        });
        var scheduling = new SchedulerOptions(sequences, Math.Min(_options.ReservedInteractiveSequences, sequences - 1),
            prefixSequences > 0 ? _options.PrefixCacheTokens : 0, _options.ReproducibleBackground, _options.SharedPrefixTokens,
            KeepPrompts: !unified && !_options.ReproducibleBackground);
        return (context, Math.Min(perJudgment, context.SequenceContextSize), scheduling);
    }

    public async Task<JudgeOnceResult> JudgeOnceAsync(JudgeOnceRequest request, WorkPriority priority, CancellationToken cancellationToken) =>
        (await JudgeManyAsync([request], priority, cancellationToken))[0];

    public async Task<JudgeOnceResult[]> JudgeManyAsync(IReadOnlyList<JudgeOnceRequest> requests, WorkPriority priority, CancellationToken cancellationToken)
    {
        var loaded = Current;
        var judgments = new List<(SequenceJob Job, JudgmentProgram Program)>(requests.Count);
        try
        {
            foreach (var request in requests)
                judgments.Add(Judgment(loaded, request, priority, cancellationToken));
        }
        catch
        {
            judgments.ForEach(j => j.Job.Dispose());
            throw;
        }

        using var activity = JudgeTelemetry.Source.StartActivity("judge.decode");
        activity?.SetTag("judgeapi.sequences", judgments.Count);
        activity?.SetTag("judgeapi.prompt_tokens", judgments.Sum(j => j.Job.Prompt.Length));
        var outcomes = await Task.WhenAll(loaded.Scheduler.Enqueue([.. judgments.Select(j => j.Job)]));
        foreach (var (job, program) in judgments.Where(j => j.Program.FirstTokenAt != 0))
            metrics.FirstToken(Stopwatch.GetElapsedTime(job.QueuedAt, program.FirstTokenAt), job.Priority);
        activity?.SetTag("judgeapi.generated_tokens", outcomes.Sum(o => o.GeneratedTokens));
        try
        {
            return outcomes.Zip(judgments, (outcome, j) => j.Program.Result(outcome, j.Job.Prompt.Length)).ToArray();
        }
        catch (JudgeOutputException e)
        {
            var adapter = requests[0].Weights is { } weights ? weights.AdapterPath : Volatile.Read(ref _active).Path;
            logger.LogError("Judging with {Model} and adapter {Adapter} failed: {Error}", loaded.Info.Path, adapter ?? "none", e.Message);
            throw;
        }
    }

    public async Task CheckAdapterAsync(string adapterPath, CancellationToken cancellationToken)
    {
        var loaded = Current;
        using var adapter = loaded.Adapters.LoadUnshared(Path.GetFullPath(adapterPath));
        // A short pair in direct mode: one forward pass through every adapted weight, read like any judgment.
        var judged = loaded.Tokenizer.Judge(new JudgedTexts("Which answer is correct? 2 + 2 = ?", "4", "5"));
        var verdict = VerdictTokens.After(judged, JudgePrompt.VerdictLead);
        int[] prompt = [.. judged.Tokens, .. verdict.Lead];
        var program = JudgmentProgram.Direct(verdict);
        // In a context of its own, not the scheduler's: the keys and values a bad adapter writes (infinite, say) would
        // stay in cells after they are freed, and the CPU's tiled attention multiplies a whole tile of cells before it
        // masks, so one such cell beside a later judgment's makes that judgment NaN.
        await Task.Run(() =>
        {
            using var context = new LlamaContext(loaded.Model, new ContextOptions
            {
                ContextSize = prompt.Length,
                BatchSize = prompt.Length,
                MicroBatchSize = prompt.Length,
                Sequences = 1,
                KvUnified = false,
                Threads = _options.DecodeThreads,
                Poll = _options.Poll,
            });
            context.SetLoraAdapters([(adapter, 1f)]);
            using var batch = new LlamaBatch(prompt.Length);
            var last = 0;
            for (var i = 0; i < prompt.Length; i++)
                last = batch.Add(prompt[i], i, 0, logits: i == prompt.Length - 1);
            cancellationToken.ThrowIfCancellationRequested();
            context.Decode(batch);
            program.ReadLogits(context.GetLogits(last));
        }, cancellationToken);
        try
        {
            program.Result(new SequenceResult("", 0, GenerationStopReason.EndOfGeneration), prompt.Length);
        }
        catch (JudgeOutputException e)
        {
            throw new LlamaAdapterException("With this adapter " + char.ToLowerInvariant(e.Message[0]) + e.Message[1..]);
        }
    }

    private (SequenceJob, JudgmentProgram) Judgment(Loaded loaded, JudgeOnceRequest request, WorkPriority priority, CancellationToken cancellationToken)
    {
        var adapter = AdapterOf(loaded, request.Weights);
        var prompt = loaded.Tokenizer.Judge(request.Texts);
        if (request.Mode == JudgeMode.Direct)
        {
            var verdict = VerdictTokens.After(prompt, JudgePrompt.VerdictLead, request.AllowTie);
            int[] tokens = [.. prompt.Tokens, .. verdict.Lead];
            EnsureFits(tokens.Length + 1, loaded);
            var direct = JudgmentProgram.Direct(verdict);
            return (new SequenceJob(tokens, Lane(priority), adapter, null, 0, direct, cancellationToken), direct);
        }
        var generated = loaded.ThinkingTokens + request.MaxReasoningTokens;
        EnsureFits(prompt.Tokens.Length + generated + loaded.VerdictRoom, loaded);
        var sampler = new LlamaSampler(loaded.Model, JudgeBehavior.Default.Sampling(request.Temperature, request.Seed, null));
        var reasoning = JudgmentProgram.Reasoning(loaded.Model, prompt, loaded.ThinkingTokens, request.MaxReasoningTokens, generated + loaded.VerdictRoom,
            request.AllowTie);
        return (new SequenceJob(prompt.Tokens, Lane(priority), adapter, sampler, generated, reasoning, cancellationToken), reasoning);
    }

    public async Task<GenerationResult> GenerateAsync(IReadOnlyList<ChatMessage> messages, GenerationRequest request, WorkPriority priority, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(request.MaxTokens, 1);
        var loaded = Current;
        var prompt = loaded.Tokenizer.Chat(messages).Tokens;
        EnsureFits(prompt.Length + request.MaxTokens, loaded);
        var sampler = new LlamaSampler(loaded.Model, JudgeBehavior.Default.Sampling(request.Temperature, request.Seed, request.Grammar));
        var job = new SequenceJob(prompt, Lane(priority), AdapterOf(loaded, request.Weights), sampler, request.MaxTokens, null, cancellationToken);
        var outcome = (await Task.WhenAll(loaded.Scheduler.Enqueue([job])))[0];
        return new GenerationResult(outcome.Text, outcome.GeneratedTokens, outcome.StopReason);
    }

    public Task<CompletionResult> CompleteAsync(CompletionRequest request, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(request.Choices, 1);
        var loaded = Current;
        var prompt = loaded.Tokenizer.Chat(request.Messages).Tokens;
        var maxTokens = request.MaxTokens ?? loaded.Info.ContextSize - prompt.Length;
        EnsureFits(prompt.Length + Math.Max(maxTokens, 1), loaded);
        var adapter = request.Weights is { } weights ? AdapterFor(loaded, weights.AdapterPath) : Volatile.Read(ref _active).Adapter;
        var choices = new List<(SequenceJob Job, CompletionProgram Program)>(request.Choices);
        for (var i = 0; i < request.Choices; i++)
        {
            var sampling = request.Temperature <= 0
                ? new SamplingOptions()
                : new SamplingOptions { Temperature = request.Temperature, TopP = request.TopP, Seed = unchecked(request.Seed + (uint)i) };
            var program = new CompletionProgram(loaded.Model, i, request.Stop ?? [], request.TopLogprobs, request.OnDelta);
            choices.Add((new SequenceJob(prompt, SequencePriority.Interactive, adapter, new LlamaSampler(loaded.Model, sampling), maxTokens, program,
                cancellationToken), program));
        }
        return RunAsync();

        async Task<CompletionResult> RunAsync()
        {
            using var activity = JudgeTelemetry.Source.StartActivity("chat.completion");
            activity?.SetTag("judgeapi.choices", choices.Count);
            activity?.SetTag("judgeapi.prompt_tokens", prompt.Length);
            var started = Stopwatch.GetTimestamp();
            var outcomes = await Task.WhenAll(loaded.Scheduler.Enqueue([.. choices.Select(c => c.Job)]));
            var result = new CompletionResult(outcomes.Zip(choices, (outcome, c) => c.Program.Result(outcome)).ToArray(), prompt.Length);
            foreach (var (job, program) in choices.Where(c => c.Program.FirstTokenAt != 0))
                metrics.FirstToken(Stopwatch.GetElapsedTime(job.QueuedAt, program.FirstTokenAt), job.Priority);
            var generated = result.Choices.Sum(c => c.Tokens);
            metrics.RequestCompleted("chat", Stopwatch.GetElapsedTime(started), generated);
            activity?.SetTag("judgeapi.generated_tokens", generated);
            return result;
        }
    }

    public void ActivateAdapter(string? adapterPath)
    {
        var loaded = Current;
        if (adapterPath is null)
        {
            Volatile.Write(ref _active, new ActiveWeights(null, null, null, DateTimeOffset.UtcNow));
            logger.LogInformation("Judging with the base model alone from now on.");
            return;
        }
        var fullPath = Path.GetFullPath(adapterPath);
        var adapter = AdapterFor(loaded, fullPath);
        Volatile.Write(ref _active, new ActiveWeights(adapter, fullPath, FileHash.Sha256(fullPath), DateTimeOffset.UtcNow));
        logger.LogInformation("Judging with LoRA adapter {Adapter} from now on.", fullPath);
    }

    /// <summary>The adapter of pinned weights, or the active one when the work is not pinned.</summary>
    private LoraAdapter? AdapterOf(Loaded loaded, JudgeWeights? weights) =>
        weights is null ? Volatile.Read(ref _active).Adapter : AdapterFor(loaded, weights.AdapterPath);

    private static LoraAdapter? AdapterFor(Loaded loaded, string? adapterPath) =>
        adapterPath is null ? null : loaded.Adapters.Get(Path.GetFullPath(adapterPath));

    /// <summary>Requests admitted to the scheduler and not finished (waiting plus active sequences).</summary>
    public int PendingSequences => Volatile.Read(ref _loaded) is { } l ? l.Scheduler.Waiting + l.Scheduler.Active : 0;

    private static void EnsureFits(int tokens, Loaded loaded)
    {
        if (tokens > loaded.Info.ContextSize)
            throw new LlamaPromptTooLongException(tokens, loaded.Info.ContextSize);
    }

    private static SequencePriority Lane(WorkPriority priority) =>
        priority == WorkPriority.Interactive ? SequencePriority.Interactive : SequencePriority.Background;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _loaded, null) is not { } loaded)
            return;
        loaded.Scheduler.Dispose();
        loaded.Context.Dispose();
        loaded.Adapters.Dispose();
        loaded.Model.Dispose();
    }

    /// <summary>What new work runs on, and since when; swapped as one reference so path, hash and adapter always agree.</summary>
    private sealed record ActiveWeights(LoraAdapter? Adapter, string? Path, string? Hash, DateTimeOffset Since);

    /// <param name="ThinkingTokens">The thought's budget of a model that always thinks; 0 for others.</param>
    /// <param name="VerdictRoom">Positions a reasoning judgment needs after its generated tokens for the verdict.</param>
    private sealed record Loaded(LlamaModel Model, LlamaContext Context, SequenceScheduler Scheduler, AdapterCache Adapters,
        PromptTokenizer Tokenizer, int ThinkingTokens, int VerdictRoom, JudgeModelInfo Info);
}
