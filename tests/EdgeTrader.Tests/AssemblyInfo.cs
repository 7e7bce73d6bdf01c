// These tests start real daemons, sim-bridges at up to 10,000 ticks/s, brokers and mounts. Run one class at a time:
// on a 2-core machine parallel classes starve each other's processes and turn deadlines into noise.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
