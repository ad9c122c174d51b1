using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using JudgeApi.Judging;
using Microsoft.Extensions.DependencyInjection;

namespace JudgeApi.Tests.Service;

/// <summary>
/// Reads one service's "JudgeApi" meter the way an OpenTelemetry or dotnet-counters listener does: counters
/// summed from the moment the reader starts, gauges observed on demand. Only that service's meter is read
/// (its scope is the service's IMeterFactory), so servers of tests running in parallel do not mix in.
/// </summary>
internal sealed class JudgeMeter : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, long> _totals = new();
    private readonly ConcurrentDictionary<string, long> _observed = new();

    public JudgeMeter(IServiceProvider services)
    {
        var factory = services.GetRequiredService<IMeterFactory>();
        services.GetRequiredService<JudgeMetrics>(); // creates the instruments
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == JudgeMetrics.MeterName && ReferenceEquals(instrument.Meter.Scope, factory))
                listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
        {
            if (instrument.IsObservable)
                _observed[instrument.Name] = value;
            else
                _totals.AddOrUpdate(instrument.Name, value, (_, total) => total + value);
        });
        _listener.SetMeasurementEventCallback<int>((instrument, value, _, _) => _observed[instrument.Name] = value);
        _listener.Start();
    }

    /// <summary>The sum a counter was incremented by since this reader started.</summary>
    public long Total(string counter) => _totals.GetValueOrDefault(counter);

    /// <summary>A gauge's current value.</summary>
    public long Gauge(string gauge)
    {
        _listener.RecordObservableInstruments();
        return _observed.GetValueOrDefault(gauge);
    }

    public void Dispose() => _listener.Dispose();
}
