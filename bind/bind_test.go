package bind_test

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tcpfsm/tcpfsm/bind"
	"github.com/tcpfsm/tcpfsm/generated/tcp"
	"github.com/tcpfsm/tcpfsm/model"
	"github.com/tcpfsm/tcpfsm/spec"
)

// TestProfileMatchesGenerated: every profile of the TCP spec, turned into
// the generated Profile by bind, is generated/tcp's own, value for value:
// no timer or duration is lost on the way a mutant's profiles take.
func TestProfileMatchesGenerated(t *testing.T) {
	sp, err := spec.TCP()
	require.NoError(t, err)
	require.True(t, bind.IsGenerated(sp), "generated/tcp is stale: run go generate ./...")
	for _, sprof := range sp.Profiles {
		got, err := bind.Profile(sp, sprof)
		require.NoError(t, err, sprof.Name)
		want, ok := tcp.ProfileByName(sprof.Name)
		require.True(t, ok, sprof.Name)
		assert.Equal(t, want, got, sprof.Name)
	}
}

// TestBothTablesBindTheSameModel: on the TCP spec the interpreted and the
// generated table give models of the same profile and timing under every
// profile (that they decide every cell alike is verify.CompareGenerated's
// part, which fsmgen check runs).
func TestBothTablesBindTheSameModel(t *testing.T) {
	sp, err := spec.TCP()
	require.NoError(t, err)
	for _, sprof := range sp.Profiles {
		gm, err := bind.Model(sp, sprof, model.QuickBounds(), bind.Generated)
		require.NoError(t, err, sprof.Name)
		im, err := bind.Model(sp, sprof, model.QuickBounds(), bind.Interpreted)
		require.NoError(t, err, sprof.Name)
		assert.Equal(t, gm.Profile, im.Profile, sprof.Name)
		assert.Equal(t, gm.Timing, im.Timing, sprof.Name)
	}
}

// edited parses the TCP spec with old replaced by new, once.
func edited(t *testing.T, old, new string) *spec.Spec {
	t.Helper()
	src := spec.TCPSource()
	require.Equal(t, 1, bytes.Count(src, []byte(old)), "the TCP spec should hold %q once", old)
	sp, err := spec.Parse(spec.TCPFile, bytes.Replace(src, []byte(old), []byte(new), 1))
	require.NoError(t, err)
	return sp
}

// TestRefusals: each way a spec cannot be bound is an error that names
// the spec, never a model with a silent zero or another spec's table.
func TestRefusals(t *testing.T) {
	sp, err := spec.TCP()
	require.NoError(t, err)
	linux := sp.Profile("linux")
	require.NotNil(t, linux)

	t.Run("generated table for another spec", func(t *testing.T) {
		other := edited(t, "machine tcp", "machine tcp # another text")
		_, err := bind.Model(other, other.Profile("linux"), model.QuickBounds(), bind.Generated)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "generated/tcp is stale")
		assert.Contains(t, err.Error(), "run go generate ./...")
	})
	for _, c := range []struct{ name, from, to, want string }{
		{"a class the model does not run", "class fin_unacked FIN_WAIT_1 CLOSING LAST_ACK", "class fin_unacked FIN_WAIT_1 LAST_ACK", "class fin_unacked: CLOSING is in it, as the model runs it"},
		{"a class renamed", "class fin_unacked ", "class fin_pending ", "class 4 is fin_pending, not fin_unacked"},
		{"a duration the model does not arm", "arm r2 with r2_synack in SYN_RECEIVED ", "# arm r2 with r2_synack in SYN_RECEIVED ", "timer r2 armed in SYN_RECEIVED for a socket held takes r2; the model arms it with r2_synack"},
		{"an orphan's duration the model does not arm", "arm r2 with r2_orphan in FIN_WAIT_1 CLOSING LAST_ACK if orphan", "arm r2 with r2_orphan in FIN_WAIT_1 CLOSING if orphan", "timer r2 armed in LAST_ACK for a socket orphaned takes r2; the model arms it with r2_orphan"},
		{"an orphan's duration for a held socket", "arm r2 with r2_orphan in FIN_WAIT_1 CLOSING LAST_ACK if orphan", "arm r2 with r2_orphan in FIN_WAIT_1 CLOSING LAST_ACK", "timer r2 armed in FIN_WAIT_1 for a socket held takes r2_orphan; the model arms it with r2"},
		{"a backoff the model does not run", "arm persist doubling ", "arm persist then msl ", "timer persist re-armed after an expiry in CLOSED for a socket held takes"},
		{"a condition the model does not keep", "arm fin_wait_2 if orphan unless flush_held_fin_wait_2", "arm fin_wait_2 if orphan", "timer fin_wait_2 does not run for a socket held under switches flush_held_fin_wait_2"},
	} {
		t.Run(c.name, func(t *testing.T) {
			other := edited(t, c.from, c.to)
			_, err := bind.Model(other, other.Profile("linux"), model.QuickBounds(), bind.Interpreted)
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
		})
	}
	t.Run("unknown table", func(t *testing.T) {
		_, err := bind.Model(sp, linux, model.QuickBounds(), bind.Table(99))
		assert.Error(t, err)
	})
	t.Run("bounds the model refuses", func(t *testing.T) {
		b := model.QuickBounds()
		b.Capacity = 0
		_, err := bind.Model(sp, linux, b, bind.Interpreted)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "capacity 0 out of range")
	})
}
