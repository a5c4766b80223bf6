package verify

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpfsm/tcpfsm/gen"
	"github.com/tcpfsm/tcpfsm/model"
	"github.com/tcpfsm/tcpfsm/props"
	"github.com/tcpfsm/tcpfsm/spec"
)

func sampleRecord() Record {
	return Record{
		Spec:   SpecHash([]byte("machine m\n")),
		Bounds: model.DefaultBounds().String(),
		Quick:  []string{"Model-checked …", "linux: 12 states; P1 hold."},
		Lines:  []string{"Model-checked …", "linux: 34 states; P1 hold."},
	}
}

func TestRecordRoundTrip(t *testing.T) {
	r := sampleRecord()
	got, err := ParseRecord("v.txt", r.Format())
	require.NoError(t, err)
	assert.True(t, r.Same(got))
	assert.Equal(t, string(r.Format()), string(got.Format()))
}

func TestParseRecordErrorsNameTheLine(t *testing.T) {
	good := string(sampleRecord().Format())
	lines := strings.Split(good, "\n")
	for name, tc := range map[string]struct{ text, want string }{
		"empty":        {"", "v.txt:1: not a verification record"},
		"garbage":      {"\x00\x01garbage", "v.txt:1: not a verification record"},
		"bad hash":     {strings.Replace(good, lines[1], "spec sha256 xyz", 1), "v.txt:2: want spec sha256 and 64 hex digits"},
		"keyword":      {good + "frob x\n", "unknown keyword \"frob\""},
		"no value":     {good + "quick\n", "want a keyword and its value"},
		"second spec":  {good + lines[1] + "\n", "a second spec line"},
		"no verified":  {strings.Join(lines[:4], "\n") + "\n", "v.txt: no verified line"},
		"no bounds":    {strings.Replace(good, lines[2]+"\n", "", 1), "v.txt: no bounds line"},
		"binary after": {good + "\xff\xfe\n", "v.txt:8: want a keyword and its value"},
	} {
		_, err := ParseRecord("v.txt", []byte(tc.text))
		require.Error(t, err, name)
		assert.Contains(t, err.Error(), tc.want, name)
	}
}

// FuzzParseRecord: any bytes give a record or an error naming the file,
// never a panic, and a record read prints back to what reads the same.
func FuzzParseRecord(f *testing.F) {
	f.Add(sampleRecord().Format())
	f.Add([]byte("garbage"))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := ParseRecord("v.txt", data)
		if err != nil {
			assert.True(t, strings.HasPrefix(err.Error(), "v.txt"), err.Error())
			return
		}
		again, err := ParseRecord("v.txt", r.Format())
		require.NoError(t, err)
		assert.True(t, r.Same(again))
	})
}

// TestGenerateReusesOnlyAFittingRecord: a record of the same spec, bounds
// and quick verdict is reused; one of another spec or another quick
// verdict is not (the check runs again), and with NoCheck it is Stale.
// Bounds weaker than the defaults: here one incarnation and the quick
// capacity, so that the test takes seconds.
func TestGenerateReusesOnlyAFittingRecord(t *testing.T) {
	sp, err := spec.TCP()
	require.NoError(t, err)
	b := model.QuickBounds()
	b.Incarnations = 1
	opt := Options{Bounds: b}
	out := gen.Options{Package: "tcp", ImportPath: "example.com/tcp", Command: "test"}
	files, reused, err := Generate(sp, out, opt, Regeneration{})
	require.NoError(t, err)
	assert.False(t, reused)
	last := files[len(files)-1]
	require.Equal(t, RecordFile, last.Name)
	rec, err := ParseRecord(last.Name, last.Data)
	require.NoError(t, err)
	assert.Equal(t, SpecHash(sp.Source), rec.Spec)
	assert.Contains(t, rec.Lines[0], "Not verified at fsmgen check's default bounds")

	again, reused, err := Generate(sp, out, opt, Regeneration{Prior: &rec})
	require.NoError(t, err)
	assert.True(t, reused)
	assert.Equal(t, files, again)

	_, reused, err = Generate(sp, out, opt, Regeneration{Prior: &rec, NoCheck: true})
	require.NoError(t, err)
	assert.True(t, reused)

	// A forged record for this spec whose full check says something else:
	// reused as is while it fits, so the fingerprint is what guards it.
	var ids []string
	for _, p := range props.For(b) {
		ids = append(ids, p.ID)
	}
	forged := rec
	forged.Lines = []string{"forged: " + strings.Join(ids, " ") + " hold."}
	got, reused, err := Generate(sp, out, opt, Regeneration{Prior: &forged})
	require.NoError(t, err)
	assert.True(t, reused)
	assert.Contains(t, string(got[len(got)-1].Data), "verified forged")
	// A record that does not name a property the check reports (made
	// before it was added) is checked again, and with NoCheck it is Stale.
	older := rec
	older.Lines = []string{"forged: " + strings.Join(ids[:len(ids)-1], " ") + " hold."}
	got, reused, err = Generate(sp, out, opt, Regeneration{Prior: &older})
	require.NoError(t, err)
	assert.False(t, reused)
	assert.Equal(t, files, got)
	_, _, err = Generate(sp, out, opt, Regeneration{Prior: &older, NoCheck: true})
	assert.ErrorContains(t, err, "stale: verification.txt does not record "+ids[len(ids)-1]+", which the check now reports")
	// With another quick verdict (another checker) it is checked again.
	forged.Quick = append([]string(nil), rec.Quick...)
	forged.Quick[1] += " "
	got, reused, err = Generate(sp, out, opt, Regeneration{Prior: &forged})
	require.NoError(t, err)
	assert.False(t, reused)
	assert.Equal(t, files, got)
	// Or when asked to.
	_, reused, err = Generate(sp, out, opt, Regeneration{Prior: &rec, Recheck: true})
	require.NoError(t, err)
	assert.False(t, reused)

	other := rec
	other.Spec = SpecHash([]byte("another spec"))
	_, reused, err = Generate(sp, out, opt, Regeneration{Prior: &other})
	require.NoError(t, err)
	assert.False(t, reused)
	_, _, err = Generate(sp, out, opt, Regeneration{Prior: &other, NoCheck: true})
	assert.EqualError(t, err, "stale: verification.txt was made from another spec; run go generate ./... (fsmgen gen checks again)")
	_, _, err = Generate(sp, out, Options{Bounds: model.DefaultBounds()}, Regeneration{Prior: &rec, NoCheck: true})
	assert.ErrorContains(t, err, "stale: verification.txt records other bounds")
	_, _, err = Generate(sp, out, opt, Regeneration{NoCheck: true})
	assert.EqualError(t, err, "stale: verification.txt is missing; run go generate ./... (fsmgen gen checks again)")
}
