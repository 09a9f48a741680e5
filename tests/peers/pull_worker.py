"""A worker written in Python (pyzmq), not Node: it connects to a live demo's PUSH endpoint,
takes tasks for a while, prints each one, and exits. Usage: pull_worker.py ENDPOINT COUNT"""
import sys
import zmq

endpoint, count = sys.argv[1], int(sys.argv[2])
context = zmq.Context()
socket = context.socket(zmq.PULL)
socket.setsockopt(zmq.LINGER, 0)
socket.setsockopt(zmq.RCVTIMEO, 15000)
socket.connect(endpoint)
for _ in range(count):
    print("python got", socket.recv().decode(), flush=True)
socket.close()
context.term()
