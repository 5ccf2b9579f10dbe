namespace Robot.Sim.MuJoCo;

/// <summary>MuJoCo could not be loaded, or refused a model; the message is MuJoCo's own where it gave one.</summary>
public sealed class MuJoCoException : Exception
{
    public MuJoCoException() { }
    public MuJoCoException(string message) : base(message) { }
    public MuJoCoException(string message, Exception inner) : base(message, inner) { }
}
