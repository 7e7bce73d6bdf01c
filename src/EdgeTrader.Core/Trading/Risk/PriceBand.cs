using EdgeTrader.Configuration;

namespace EdgeTrader.Trading.Risk;

/// <summary>What the price band says about one quote.</summary>
public enum PriceVerdict : byte
{
    /// <summary>Within the bounds and the band: acted on; the band follows it.</summary>
    Accepted,
    /// <summary>A bid or ask outside [minPrice, maxPrice].</summary>
    OutOfBounds,
    /// <summary>The symbol's band is bootstrapping (after start or a gap): not acted on yet.</summary>
    Unconfirmed,
    /// <summary>Further than maxDeviationPct from the last accepted mid.</summary>
    OutOfBand,
    /// <summary>Out of band for the maxConsecutive-th time in a row: dropped, and the band re-anchors at the new level.</summary>
    BandBroken,
}

/// <summary>
/// Price sanity per symbol (risk.priceBand): absolute bounds on bid and ask, and a band of ±maxDeviationPct around the
/// symbol's last accepted mid. The band starts empty (at start, and again after gapMs without an accepted tick of the
/// symbol) and is bootstrapped by bootstrapTicks consecutive ticks whose mids lie within the band of the first of them;
/// a tick outside it restarts the bootstrap from itself. A genuine fast move is not blocked forever: maxConsecutive
/// out-of-band ticks in a row break the band, which then bootstraps again at the new level (the loop engages on a
/// break when engageOnBreak). Tick thread only; no allocation.
/// </summary>
public sealed class PriceBand
{
    readonly double _dev;
    readonly double _min;
    readonly double _max;
    readonly int _bootstrap;
    readonly long _gapTicks;
    readonly int _maxConsecutive;
    readonly double[] _ref;       // last accepted mid; 0 = none (bootstrapping)
    readonly long[] _lastTs;      // when the last tick was accepted (timestamp)
    readonly double[] _candidate; // bootstrap: the mid the others must agree with
    readonly int[] _agreeing;     // bootstrap: ticks agreeing so far
    readonly int[] _outInRow;
    readonly bool[] _broken;      // broken and not re-anchored yet
    readonly double[] _journalRef; // the journal's last price of the symbol (warm start); 0 = none. Judges fills only.

    /// <summary>A band for <paramref name="symbolCount"/> symbols; <paramref name="timestampFrequency"/> is the TimeProvider's.</summary>
    public PriceBand(PriceBandOptions o, int symbolCount, long timestampFrequency)
    {
        _dev = o.MaxDeviationPct / 100.0;
        _min = o.MinPrice;
        _max = o.MaxPrice;
        _bootstrap = o.BootstrapTicks;
        _gapTicks = (long)(o.GapMs / 1000.0 * timestampFrequency);
        _maxConsecutive = o.MaxConsecutive;
        _ref = new double[symbolCount];
        _lastTs = new long[symbolCount];
        _candidate = new double[symbolCount];
        _agreeing = new int[symbolCount];
        _outInRow = new int[symbolCount];
        _broken = new bool[symbolCount];
        _journalRef = new double[symbolCount];
    }

    /// <summary>
    /// Sets the journal's last price of a symbol (a warm start): fills are judged against it while the symbol's band has no
    /// reference of its own yet; ticks never are. A price outside the bounds is no reference.
    /// </summary>
    public void SeedFromJournal(int symbolId, double price)
    {
        if (InBounds(price)) _journalRef[symbolId] = price;
    }

    /// <summary>The journal's last price of the symbol set at a warm start; 0 when none.</summary>
    public double JournalReference(int symbolId) => _journalRef[symbolId];

    /// <summary>The lowest price accepted.</summary>
    public double MinPrice => _min;
    /// <summary>The highest price accepted.</summary>
    public double MaxPrice => _max;
    /// <summary>The band's half-width as a fraction (0 = no band).</summary>
    public double Deviation => _dev;

    /// <summary>The symbol's last accepted mid; 0 while its band is bootstrapping.</summary>
    public double Reference(int symbolId) => _ref[symbolId];

    /// <summary>Out-of-band ticks of the symbol in a row now.</summary>
    public int OutInRow(int symbolId) => _outInRow[symbolId];

    /// <summary>True while a symbol's band broke and has not re-anchored yet.</summary>
    public bool AnyBroken
    {
        get
        {
            foreach (var b in _broken) if (b) return true;
            return false;
        }
    }

    /// <summary>True when <paramref name="price"/> is within the bounds.</summary>
    public bool InBounds(double price) => price >= _min && price <= _max;

    /// <summary>
    /// The reference a fill of the symbol is judged against: the band's own, else the journal's last price (a warm start
    /// before the band bootstrapped); 0 when there is none.
    /// </summary>
    public double FillReference(int symbolId) => _ref[symbolId] != 0 ? _ref[symbolId] : _journalRef[symbolId];

    /// <summary>True when a price of the symbol can be judged beyond the bounds: there is no band (maxDeviationPct 0), or there is a reference.</summary>
    public bool CanJudge(int symbolId) => _dev == 0 || FillReference(symbolId) != 0;

    /// <summary>
    /// True when <paramref name="price"/> is within the bounds and, when the symbol has a reference
    /// (<see cref="FillReference"/>), within its band.
    /// </summary>
    public bool Plausible(int symbolId, double price)
    {
        if (!InBounds(price)) return false;
        double r = FillReference(symbolId);
        return r == 0 || _dev == 0 || Math.Abs(price - r) <= r * _dev;
    }

    /// <summary>Judges one quote at <paramref name="nowTs"/> (a timestamp) and moves the band.</summary>
    public PriceVerdict Check(int s, double bid, double ask, long nowTs)
    {
        if (!(bid >= _min && ask <= _max)) return PriceVerdict.OutOfBounds; // bid <= ask: both inside
        double mid = bid * 0.5 + ask * 0.5;
        if (_dev == 0) return Accept(s, mid, nowTs);
        double r = _ref[s];
        if (r != 0 && nowTs - _lastTs[s] > _gapTicks) r = _ref[s] = 0; // a long gap: bootstrap again
        if (r == 0)
        {
            double c = _candidate[s];
            if (c == 0 || Math.Abs(mid - c) > c * _dev)
            {
                _candidate[s] = mid;
                _agreeing[s] = 1;
            }
            else _agreeing[s]++;
            if (_agreeing[s] < _bootstrap) return PriceVerdict.Unconfirmed;
            _candidate[s] = 0;
            _agreeing[s] = 0;
            return Accept(s, mid, nowTs);
        }
        if (Math.Abs(mid - r) <= r * _dev) return Accept(s, mid, nowTs);
        if (++_outInRow[s] < _maxConsecutive) return PriceVerdict.OutOfBand;
        // The market moved: follow it, from a fresh bootstrap at the new level.
        _outInRow[s] = 0;
        _ref[s] = 0;
        _candidate[s] = mid; // this tick is the first of the new bootstrap
        _agreeing[s] = 1;
        _broken[s] = true;
        return PriceVerdict.BandBroken;
    }

    PriceVerdict Accept(int s, double mid, long nowTs)
    {
        _ref[s] = mid;
        _lastTs[s] = nowTs;
        _outInRow[s] = 0;
        _broken[s] = false;
        return PriceVerdict.Accepted;
    }
}
