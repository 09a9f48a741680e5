"""A Python (pyzmq) publisher that sends the distributed adder's sink one malformed Result and
then stays connected a moment. Usage: pub_results.py ENDPOINT"""
import sys
import time
import zmq

context = zmq.Context()
socket = context.socket(zmq.PUB)
socket.setsockopt(zmq.LINGER, 0)
socket.connect(sys.argv[1])
time.sleep(1.0)  # a PUB drops what it sends before the SUB's subscription arrives
socket.send(b"this is not a Result")
print("sent a malformed result", flush=True)
time.sleep(1.0)
socket.close()
context.term()
