"""A SUB written in Python (pyzmq), not Node: it connects to a live demo's publisher, subscribes
to everything, takes COUNT messages, prints the second frame of each (the first if it has one), and exits.
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
    frames = socket.recv_multipart()
    print("python got", frames[min(1, len(frames) - 1)].decode(errors="replace"), flush=True)
socket.close()
context.term()
