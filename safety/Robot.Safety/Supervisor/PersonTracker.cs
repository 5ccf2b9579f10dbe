using Robot.Safety.Geofence;

namespace Robot.Safety.Supervisor;

/// <summary>
/// People as site sensors report them. Each sensor's report replaces its previous one; a
/// sensor not heard from within the site's person-track timeout contributes nobody. Readers get
/// an immutable array (no lock on the verdict path).
/// </summary>
public sealed class PersonTracker
{
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, (TrackedPerson[] Persons, long At)> _bySensor = new(StringComparer.Ordinal);
    private TrackedPerson[] _snapshot = [];

    public PersonTracker(TimeProvider time)
    {
        _time = time;
    }

    /// <summary>Every tracked person now.</summary>
    public TrackedPerson[] Snapshot => Volatile.Read(ref _snapshot);

    /// <summary>Validates and stores a sensor's report. Throws on a non-finite position (nothing changes).</summary>
    public int Report(string sensorId, IReadOnlyList<TrackedPerson> persons)
    {
        if (string.IsNullOrWhiteSpace(sensorId))
        {
            throw new SupervisorException(SupervisorError.InvalidArgument, "sensor_id: expected a non-empty sensor id");
        }
        for (int i = 0; i < persons.Count; i++)
        {
            TrackedPerson p = persons[i];
            if (!double.IsFinite(p.X) || !double.IsFinite(p.Y) || !double.IsFinite(p.Uncertainty) || p.Uncertainty < 0)
            {
                throw new SupervisorException(SupervisorError.InvalidArgument,
                    $"persons[{i}] ({p.Id}): position ({p.X}, {p.Y}) and uncertainty {p.Uncertainty} must be finite, uncertainty >= 0; the report was rejected whole");
            }
        }
        lock (_lock)
        {
            _bySensor[sensorId] = (persons.ToArray(), _time.GetTimestamp());
            PublishUnsynchronized();
        }
        return persons.Count;
    }

    /// <summary>
    /// Forgets sensors not heard from within <paramref name="timeout"/>. Runs every sweep
    /// interval (10 ms): when no sensor went stale it changes nothing and allocates nothing, and
    /// readers keep the same snapshot.
    /// </summary>
    public void Sweep(TimeSpan timeout)
    {
        lock (_lock)
        {
            bool removed = false;
            foreach (KeyValuePair<string, (TrackedPerson[] Persons, long At)> sensor in _bySensor)
            {
                if (_time.GetElapsedTime(sensor.Value.At) > timeout)
                {
                    // Removing during enumeration is allowed for Dictionary since .NET Core 3.0.
                    _bySensor.Remove(sensor.Key);
                    removed = true;
                }
            }
            if (removed)
            {
                PublishUnsynchronized();
            }
        }
    }

    private void PublishUnsynchronized() =>
        Volatile.Write(ref _snapshot, _bySensor.Values.SelectMany(v => v.Persons).ToArray());
}
