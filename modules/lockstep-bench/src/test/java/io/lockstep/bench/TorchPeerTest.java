package io.lockstep.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

class TorchPeerTest {
    private final PeerProtocol protocol = new PeerProtocol(0.88, 78, 5, 468, 128);

    @Test
    void theScriptsJsonLineBecomesAResult() throws IOException {
        PeerResult r = TorchPeer.parse("{\"torch\": \"1.13.0a0\", \"threads\": 2, \"steps_per_epoch\": 468, \"steps\": 156,"
                + " \"images\": 19968, \"train_seconds\": 20.5, \"evaluations\": [{\"steps\": 78, \"train_seconds\": 10.0,"
                + " \"accuracy\": 0.85}, {\"steps\": 156, \"train_seconds\": 20.5, \"accuracy\": 0.885}]}", protocol);
        assertEquals(Contender.PYTORCH, r.contender());
        assertEquals(List.of(new AccuracyPoint(78, 10.0, 0.85), new AccuracyPoint(156, 20.5, 0.885)), r.evaluations());
        assertEquals(156, r.steps());
        assertEquals(19968, r.images());
        assertEquals(20.5, r.secondsToTarget(0.88).getAsDouble());
        assertEquals("torch 1.13.0a0, 2 threads", r.setup());
    }

    @Test
    void anEpochOtherThanTheProtocolsIsAnError() {
        assertThrows(IOException.class, () -> TorchPeer.parse("{\"steps_per_epoch\": 469, \"evaluations\": []}",
                protocol));
    }
}
