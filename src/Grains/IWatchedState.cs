namespace HeaterOrleans.Grains;

/// <summary>
/// Grain state that tells storage whether the failsafe watches it, so a storage that outlives silos (PostgreSQL)
/// can find the watched grains whose silo is gone and wake them.
/// </summary>
public interface IWatchedState
{
    bool Watched { get; }
}
