namespace HeaterOrleans.Bench;

/// <summary>
/// Client settings every variant and probe of the bench shares, so that their latencies compare: the mock broker
/// does not long-poll, so the fetch wait bounds how soon a consumer sees a record; a short linger batches produces.
/// </summary>
internal static class ClientTuning
{
    public const int FetchWaitMaxMs = 2;

    public const int LingerMs = 2;
}
