"""lessons.torch_threads.one_thread: one torch thread inside, every thread's own count back after, overlaps too."""
import threading


def test_one_thread_inside_and_every_thread_gets_its_count_back_when_users_overlap():
    import torch

    from lessons.torch_threads import one_thread

    before = torch.get_num_threads()
    if before < 2:
        torch.set_num_threads(2)
        before = 2
    try:
        a_in, b_in, a_out = threading.Event(), threading.Event(), threading.Event()
        seen = {}

        def first():  # enters first, leaves while the other is still inside
            with one_thread():
                seen["a inside"] = torch.get_num_threads()
                a_in.set()
                b_in.wait(10)
            seen["a after"] = torch.get_num_threads()
            a_out.set()

        def second():
            a_in.wait(10)
            with one_thread():
                seen["b inside"] = torch.get_num_threads()
                b_in.set()
                a_out.wait(10)
                seen["b inside after a left"] = torch.get_num_threads()
            seen["b after"] = torch.get_num_threads()

        threads = [threading.Thread(target=first), threading.Thread(target=second)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(20)
        assert seen == {"a inside": 1, "b inside": 1, "a after": before, "b inside after a left": 1,
                        "b after": before}
        later = []
        t = threading.Thread(target=lambda: later.append(torch.get_num_threads()))  # a thread started afterwards
        t.start()
        t.join(10)
        assert later == [before] and torch.get_num_threads() == before
    finally:
        torch.set_num_threads(before)
