module github.com/tcpfsm/tcpfsm/bench

go 1.26.0

require github.com/tcpfsm/tcpfsm v0.0.0

require github.com/looplab/fsm v1.0.3

replace github.com/tcpfsm/tcpfsm => ../
