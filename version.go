package tcpfsm

// Version is the release of this module that the tree is, or follows: the
// git tag of the same name marks the commit where it was set. Generated
// files name it in their header, so that an importer can tell which
// release wrote its table, and regenerating from the same tree gives the
// same bytes, whatever build of fsmgen runs the generator. A build of
// fsmgen that the go command did not stamp with a version reports itself
// as Version+"+devel".
const Version = "v0.1.0"
