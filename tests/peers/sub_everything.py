"""A SUB written in Python (pyzmq), not Node: it connects to a live demo's publisher, subscribes
to everything, takes COUNT messages, prints the first frame of each, and exits.
Usage: sub_everything.py ENDPOINT COUNT"""
import sys
import zmq

endpoint, count = sys.argv[1], int(sys.argv[2])
context = zmq.Context()
socket = context.socket(zmq.SUB)
socket.setsockopt(zmq.LINGER, 0)
socket.setsockopt(zmq.RCVTIMEO, 15000)
socket.subscribe(b"")
socket.connect(endpoint)
for _ in range(count):
    print("python got", socket.recv_multipart()[0].decode(errors="replace"), flush=True)
socket.close()
context.term()
