import org.rapaio.jupyter.kernel.MainApp;
import org.rapaio.jupyter.kernel.channels.AbstractChannel;
import org.rapaio.jupyter.kernel.channels.Channels;
import org.rapaio.jupyter.kernel.channels.LoopThread;
import org.rapaio.jupyter.kernel.core.ConnectionProperties;
import org.rapaio.jupyter.kernel.core.RapaioKernel;
import org.rapaio.jupyter.kernel.core.Transform;

import java.io.InputStream;
import java.io.PrintStream;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.logging.LogManager;

/**
 * Starts rapaio-jupyter-kernel 3.0.1 as its {@code MainApp} does, with three changes. install.sh compiles this against
 * the kernel jar into the kernelspec folder; launch.sh runs it. It reaches into the kernel's private fields, so it is
 * tied to that version: a new kernel version needs this file checked against its sources.
 * <ul>
 *   <li>The message handlers exist before the channels are bound. {@code Channels.connect} binds the ZeroMQ sockets,
 *   starts their threads and only then creates its handler map; a request the client had already queued (Jupyter
 *   sends {@code kernel_info_request} every second until answered) taken by the shell thread in between throws a
 *   NullPointerException that ends the thread, and the kernel never answers ("Kernel didn't respond in 60 seconds").
 *   With an empty map in place, that request is logged as unhandled and the client's next one is answered.</li>
 *   <li>A channel's loop thread that stops while its channel is open is started again. The kernel's loop ends
 *   quietly when its thread is interrupted while it sleeps between polls, and right after the start, on a loaded
 *   machine, the shell, control or heartbeat loop sometimes did (1 start in 4 to 10 here, at load ≈ 17 on 2 cores;
 *   what interrupts it was not found): the kernel then never answered. A new thread runs the same loop.</li>
 *   <li>java.util.logging is configured from {@code logging.properties} beside this file, not the jar's (see there).</li>
 * </ul>
 * Usage: {@code java -cp KERNELSPEC_DIR:KERNEL_JAR KernelMain CONNECTION_FILE}.
 */
public final class KernelMain {

    /** The process's standard error, kept before the kernel sends System.err to the notebook. */
    private static final PrintStream log = System.err;

    public static void main(String[] args) throws Exception {
        Thread.setDefaultUncaughtExceptionHandler((thread, e) -> {
            log.println("phi4j kernel: thread " + thread.getName() + " died:");
            e.printStackTrace(log);
        });
        try (InputStream logging = KernelMain.class.getResourceAsStream("/logging.properties")) {
            LogManager.getLogManager().readConfiguration(logging);
        }
        ConnectionProperties connection = Transform.fromJson(Files.readString(Path.of(args[0])),
                ConnectionProperties.class);
        // The kernel MainApp creates: display() and the other globals of notebook code go through that instance.
        RapaioKernel kernel = (RapaioKernel) field(MainApp.class, "kernel").get(null);
        Channels channels = new Channels(connection);
        field(Channels.class, "handlers").set(channels, new HashMap<>());
        channels.connect(kernel);
        Thread watchdog = new Thread(() -> restartStoppedLoops(channels), "phi4j-kernel-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        channels.joinUntilClose();
    }

    /** Restarts of the loop threads; past this many something else is wrong, and the kernel is left as it is. */
    private static final int MAX_RESTARTS = 10;
    private static int restarts = 0;

    /**
     * Every 200 ms: a channel whose loop thread has ended while the channel is open, and no shutdown was asked for,
     * gets a new one.
     */
    private static void restartStoppedLoops(Channels channels) {
        try {
            while (restarts < MAX_RESTARTS) {
                Thread.sleep(200);
                for (Field f : Channels.class.getDeclaredFields()) {
                    f.setAccessible(true);
                    if (!channels.isMarkedForShutdown() && f.get(channels) instanceof AbstractChannel channel) {
                        restartIfStopped(channel);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ReflectiveOperationException e) {
            e.printStackTrace(log);
        }
    }

    private static void restartIfStopped(AbstractChannel channel) throws ReflectiveOperationException {
        Field loopField;
        try {
            loopField = field(channel.getClass(), "loopThread");   // IOPub and stdin have no loop
        } catch (NoSuchFieldException e) {
            return;
        }
        LoopThread loop = (LoopThread) loopField.get(channel);
        // close() stops the loop and then closes the socket; the loop ends only after its 50 ms sleep, by then closed.
        if (loop == null || loop.isAlive() || (boolean) field(AbstractChannel.class, "closed").get(channel)) {
            return;
        }
        LoopThread again = new LoopThread(loop.getName(), (long) field(LoopThread.class, "sleep").get(loop),
                (Runnable) field(LoopThread.class, "loopBody").get(loop));
        loopField.set(channel, again);
        again.start();
        restarts++;
        log.println("phi4j kernel: loop thread " + loop.getName() + " of " + channel.getClass().getSimpleName()
                + " had stopped (interrupted); started it again");
    }

    private static Field field(Class<?> type, String name) throws NoSuchFieldException {
        Field f = type.getDeclaredField(name);
        f.setAccessible(true);
        return f;
    }
}
