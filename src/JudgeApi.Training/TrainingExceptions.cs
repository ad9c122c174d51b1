using JudgeApi.Llama;

namespace JudgeApi.Training;

/// <summary>The dataset cannot be trained on; the message names the line (1-based) and what is wrong with it.</summary>
public sealed class TrainingDataException(string message, int? lineNumber = null) : LlamaException(message)
{
    /// <summary>The 1-based line of the dataset file at fault; null when the problem is not one line's.</summary>
    public int? LineNumber { get; } = lineNumber;
}

/// <summary>The base model cannot be trained: unsupported architecture, missing tensors or unusable hyperparameters.</summary>
public sealed class TrainingModelException(string message) : LlamaException(message);
