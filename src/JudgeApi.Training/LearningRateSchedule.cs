namespace JudgeApi.Training;

/// <summary>Linear warm-up from 0 to the peak, then cosine decay to a final fraction of it.</summary>
internal sealed class LearningRateSchedule(float peak, int totalSteps, int warmupSteps, float finalFraction)
{
    /// <param name="step">1-based optimizer step.</param>
    public float At(int step)
    {
        if (step <= warmupSteps)
            return peak * step / (warmupSteps + 1);
        var decaySteps = Math.Max(1, totalSteps - warmupSteps);
        var progress = Math.Clamp((float)(step - warmupSteps - 1) / decaySteps, 0f, 1f);
        var cosine = 0.5f * (1 + MathF.Cos(MathF.PI * progress));
        return peak * (finalFraction + (1 - finalFraction) * cosine);
    }
}
