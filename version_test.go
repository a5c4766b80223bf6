package tcpfsm

import (
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// semver is a release version as the go command accepts it for a module
// tag: vMAJOR.MINOR.PATCH with an optional pre-release.
var semver = regexp.MustCompile(`^v(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?$`)

func TestVersion(t *testing.T) {
	assert.Regexp(t, semver, Version, "Version must be a semantic version the go command accepts as a tag")
	// In a clone with its tags, the tree's release is no older than the
	// last tag reachable from it (a tag is made where Version is set).
	out, err := exec.Command("git", "describe", "--tags", "--abbrev=0", "--match", "v*").Output()
	if err != nil {
		t.Skip("no release tag reachable here (a clone without tags): only the form of Version is checked")
	}
	tag := strings.TrimSpace(string(out))
	assert.Regexp(t, semver, tag)
	assert.True(t, !older(Version, tag), "Version %s is older than the tag %s", Version, tag)
}

// older reports whether release a comes before release b (pre-releases
// compared as text, which is enough for this project's tags).
func older(a, b string) bool {
	pa, pb := semver.FindStringSubmatch(a), semver.FindStringSubmatch(b)
	for i := 1; i <= 3; i++ {
		if len(pa[i]) != len(pb[i]) {
			return len(pa[i]) < len(pb[i])
		}
		if pa[i] != pb[i] {
			return pa[i] < pb[i]
		}
	}
	return pa[4] != "" && (pb[4] == "" || pa[4] < pb[4])
}

func TestOlder(t *testing.T) {
	assert.True(t, older("v0.1.0", "v0.2.0"))
	assert.True(t, older("v0.9.0", "v0.10.0"))
	assert.True(t, older("v1.0.0-rc1", "v1.0.0"))
	assert.False(t, older("v1.0.0", "v1.0.0"))
	assert.False(t, older("v1.2.0", "v1.1.9"))
}
