namespace Robot.Runtime.Tasks;

/// <summary>
/// A pick task as an operator asked for it: take <see cref="BoxId"/> from the slot
/// <see cref="Source"/> and put it into the tote <see cref="Destination"/>. The constructor
/// checks the fields themselves (every error at once); whether the locations exist in the site
/// is checked by <see cref="TaskManager.SubmitAsync"/>.
/// </summary>
public sealed record PickTaskRequest
{
    /// <summary>Lowest accepted <see cref="Priority"/>.</summary>
    public const int MinPriority = -1000;

    /// <summary>Highest accepted <see cref="Priority"/>.</summary>
    public const int MaxPriority = 1000;

    /// <summary>Longest accepted id, location or key, in characters.</summary>
    public const int MaxTextLength = 128;

    /// <summary>Checks and holds a request; throws <see cref="TaskException"/> (InvalidArgument) naming every bad field.</summary>
    /// <param name="boxId">SKU or box id; 1-128 printable characters.</param>
    /// <param name="source">Slot location id; 1-128 printable characters.</param>
    /// <param name="destination">Tote location id; 1-128 printable characters.</param>
    /// <param name="priority">Higher runs first; <see cref="MinPriority"/>..<see cref="MaxPriority"/>.</param>
    /// <param name="idempotencyKey">Empty or null for none; else 1-128 printable characters.</param>
    public PickTaskRequest(string boxId, string source, string destination, int priority = 0, string? idempotencyKey = null)
    {
        var errors = new List<string>();
        CheckText(errors, "box_id", boxId, required: true);
        CheckText(errors, "source", source, required: true);
        CheckText(errors, "destination", destination, required: true);
        CheckText(errors, "idempotency_key", idempotencyKey, required: false);
        if (priority is < MinPriority or > MaxPriority)
        {
            errors.Add($"priority: {priority} is outside {MinPriority}..{MaxPriority}");
        }
        if (errors.Count > 0)
        {
            throw new TaskException(TaskError.InvalidArgument, string.Join("; ", errors));
        }
        BoxId = boxId;
        Source = source;
        Destination = destination;
        Priority = priority;
        IdempotencyKey = string.IsNullOrEmpty(idempotencyKey) ? null : idempotencyKey;
    }

    /// <summary>SKU or box id of what to pick.</summary>
    public string BoxId { get; }

    /// <summary>Id of the slot to pick from (site file <c>locations:</c>, kind slot).</summary>
    public string Source { get; }

    /// <summary>Id of the tote to place into (site file <c>locations:</c>, kind tote).</summary>
    public string Destination { get; }

    /// <summary>Higher runs first; equal priorities run in submission order.</summary>
    public int Priority { get; }

    /// <summary>Key that makes a repeated submission answer with the first task; null for none.</summary>
    public string? IdempotencyKey { get; }

    /// <summary>True when <paramref name="other"/> asks for the same work (the idempotency key aside).</summary>
    public bool SameContentAs(PickTaskRequest other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return BoxId == other.BoxId && Source == other.Source && Destination == other.Destination && Priority == other.Priority;
    }

    private static void CheckText(List<string> errors, string field, string? value, bool required)
    {
        if (string.IsNullOrEmpty(value))
        {
            if (required)
            {
                errors.Add($"{field}: required");
            }
            return;
        }
        if (value.Length > MaxTextLength)
        {
            errors.Add($"{field}: {value.Length} characters, at most {MaxTextLength} allowed");
        }
        else if (value.Any(char.IsControl) || value.Trim().Length != value.Length)
        {
            errors.Add($"{field}: '{value}' has control characters or leading/trailing spaces");
        }
    }
}
