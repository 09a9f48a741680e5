"""A REQ client written in Python (pyzmq), not Node: it connects to a live Request/Reply demo's
server, sends "Hello" COUNT times, each after the reply to the last, prints each round trip and
exits. Usage: req_client.py ENDPOINT COUNT"""
import sys
import zmq

endpoint, count = sys.argv[1], int(sys.argv[2])
context = zmq.Context()
socket = context.socket(zmq.REQ)
socket.setsockopt(zmq.LINGER, 0)
socket.setsockopt(zmq.RCVTIMEO, 15000)
socket.connect(endpoint)
for request in range(count):
    socket.send(b"Hello")
    print("python got", socket.recv().decode(), "for request", request, flush=True)
socket.close()
context.term()
