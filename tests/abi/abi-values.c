/* abi-values.c - the values of every flag, errno, ioctl number and struct layout EdgeTrader's interop code uses,
 * as the target architecture's own headers define them. Compiled for each architecture from that architecture's
 * libc and kernel headers (x86_64: the host's; aarch64: clang --target=aarch64-linux-gnu with Debian's
 * libc6-dev-arm64-cross / linux-libc-dev-arm64-cross), run on that architecture (qemu-aarch64 for aarch64), and
 * compared entry by entry with `edgetrader abi --json` of the binary built for it
 * (tests/EdgeTrader.Tests/Interop/AbiConstantsTests.cs). Prints one JSON object: {"arch": ..., "values": {NAME: N}}.
 */
#define _GNU_SOURCE /* struct statx, STATX_*, AT_EMPTY_PATH */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/timex.h>
#include <linux/gpio.h>
#include <zmq.h>

static int first = 1;
static void put(const char *name, long long value)
{
    printf("%s\n    \"%s\": %lld", first ? "" : ",", name, value);
    first = 0;
}
#define V(x) put(#x, (long long)(x))
#define SIZE(t) put("sizeof(" #t ")", (long long)sizeof(t))
#define OFF(t, f) put("offsetof(" #t ", " #f ")", (long long)offsetof(t, f))

int main(void)
{
#if defined(__aarch64__)
    const char *arch = "arm64";
#elif defined(__x86_64__)
    const char *arch = "x64";
#else
    const char *arch = "unknown";
#endif
    printf("{\n  \"arch\": \"%s\",\n  \"values\": {", arch);

    V(O_RDONLY); V(O_RDWR); V(O_DIRECTORY); V(O_CLOEXEC); V(O_CREAT);
    put("S_IRUSR | S_IWUSR", S_IRUSR | S_IWUSR);
    V(LOCK_EX); V(LOCK_NB); V(EWOULDBLOCK);
    V(AT_FDCWD); V(AT_EMPTY_PATH); V(STATX_NLINK); V(STATX_INO); V(ENOTDIR); V(ENOSYS);
    SIZE(struct statx); OFF(struct statx, stx_mask); OFF(struct statx, stx_nlink); OFF(struct statx, stx_ino);
    OFF(struct statx, stx_dev_major); OFF(struct statx, stx_dev_minor);
    V(PRIO_PROCESS); V(TIME_ERROR); V(STA_UNSYNC);
    SIZE(struct timex);
    OFF(struct timex, modes); OFF(struct timex, offset); OFF(struct timex, freq); OFF(struct timex, maxerror);
    OFF(struct timex, esterror); OFF(struct timex, status); OFF(struct timex, constant); OFF(struct timex, precision);
    OFF(struct timex, tolerance); OFF(struct timex, time.tv_sec); OFF(struct timex, time.tv_usec); OFF(struct timex, tick);
    OFF(struct timex, ppsfreq); OFF(struct timex, jitter); OFF(struct timex, shift); OFF(struct timex, stabil);
    OFF(struct timex, jitcnt); OFF(struct timex, calcnt); OFF(struct timex, errcnt); OFF(struct timex, stbcnt);
    OFF(struct timex, tai);
    put("offsetof(struct timex, tai) + sizeof(int)", (long long)(offsetof(struct timex, tai) + sizeof(int)));
    V(POLLIN); V(POLLERR); V(POLLHUP); V(POLLNVAL);
    V(EPERM); V(ENOENT); V(EINTR); V(EAGAIN); V(EACCES); V(EBUSY); V(ENODEV); V(EINVAL); V(ENOTTY);
    SIZE(struct pollfd); OFF(struct pollfd, fd); OFF(struct pollfd, events); OFF(struct pollfd, revents);

    V(GPIO_MAX_NAME_SIZE); V(GPIO_V2_LINES_MAX); V(GPIO_V2_LINE_NUM_ATTRS_MAX);
    V(GPIO_V2_LINE_FLAG_USED); V(GPIO_V2_LINE_FLAG_ACTIVE_LOW); V(GPIO_V2_LINE_FLAG_INPUT); V(GPIO_V2_LINE_FLAG_OUTPUT);
    V(GPIO_V2_LINE_FLAG_EDGE_RISING); V(GPIO_V2_LINE_FLAG_EDGE_FALLING); V(GPIO_V2_LINE_FLAG_OPEN_DRAIN);
    V(GPIO_V2_LINE_FLAG_OPEN_SOURCE); V(GPIO_V2_LINE_FLAG_BIAS_PULL_UP); V(GPIO_V2_LINE_FLAG_BIAS_PULL_DOWN);
    V(GPIO_V2_LINE_FLAG_BIAS_DISABLED); V(GPIO_V2_LINE_FLAG_EVENT_CLOCK_REALTIME); V(GPIO_V2_LINE_FLAG_EVENT_CLOCK_HTE);
    V(GPIO_V2_LINE_ATTR_ID_FLAGS); V(GPIO_V2_LINE_ATTR_ID_OUTPUT_VALUES); V(GPIO_V2_LINE_ATTR_ID_DEBOUNCE);
    V(GPIO_V2_LINE_EVENT_RISING_EDGE); V(GPIO_V2_LINE_EVENT_FALLING_EDGE);
    V(_IOC_NRSHIFT); V(_IOC_TYPESHIFT); V(_IOC_SIZESHIFT); V(_IOC_DIRSHIFT); V(_IOC_WRITE); V(_IOC_READ);
    V(_IOC_TYPE(GPIO_GET_CHIPINFO_IOCTL));
    V(GPIO_GET_CHIPINFO_IOCTL); V(GPIO_V2_GET_LINEINFO_IOCTL); V(GPIO_V2_GET_LINE_IOCTL);
    V(GPIO_V2_LINE_GET_VALUES_IOCTL); V(GPIO_V2_LINE_SET_VALUES_IOCTL);

    SIZE(struct gpiochip_info);
    OFF(struct gpiochip_info, name); OFF(struct gpiochip_info, label); OFF(struct gpiochip_info, lines);
    SIZE(struct gpio_v2_line_attribute);
    OFF(struct gpio_v2_line_attribute, id); OFF(struct gpio_v2_line_attribute, padding); OFF(struct gpio_v2_line_attribute, flags);
    SIZE(struct gpio_v2_line_config_attribute);
    OFF(struct gpio_v2_line_config_attribute, attr); OFF(struct gpio_v2_line_config_attribute, mask);
    SIZE(struct gpio_v2_line_config);
    OFF(struct gpio_v2_line_config, flags); OFF(struct gpio_v2_line_config, num_attrs);
    OFF(struct gpio_v2_line_config, padding); OFF(struct gpio_v2_line_config, attrs);
    SIZE(struct gpio_v2_line_request);
    OFF(struct gpio_v2_line_request, offsets); OFF(struct gpio_v2_line_request, consumer); OFF(struct gpio_v2_line_request, config);
    OFF(struct gpio_v2_line_request, num_lines); OFF(struct gpio_v2_line_request, event_buffer_size);
    OFF(struct gpio_v2_line_request, padding); OFF(struct gpio_v2_line_request, fd);
    SIZE(struct gpio_v2_line_info);
    OFF(struct gpio_v2_line_info, name); OFF(struct gpio_v2_line_info, consumer); OFF(struct gpio_v2_line_info, offset);
    OFF(struct gpio_v2_line_info, num_attrs); OFF(struct gpio_v2_line_info, flags); OFF(struct gpio_v2_line_info, attrs);
    OFF(struct gpio_v2_line_info, padding);
    SIZE(struct gpio_v2_line_values);
    OFF(struct gpio_v2_line_values, bits); OFF(struct gpio_v2_line_values, mask);
    SIZE(struct gpio_v2_line_event);
    OFF(struct gpio_v2_line_event, timestamp_ns); OFF(struct gpio_v2_line_event, id); OFF(struct gpio_v2_line_event, offset);
    OFF(struct gpio_v2_line_event, seqno); OFF(struct gpio_v2_line_event, line_seqno); OFF(struct gpio_v2_line_event, padding);

    V(ZMQ_PAIR); V(ZMQ_PUB); V(ZMQ_SUB); V(ZMQ_DEALER); V(ZMQ_ROUTER); V(ZMQ_PULL); V(ZMQ_PUSH); V(ZMQ_XPUB);
    V(ZMQ_ROUTING_ID); V(ZMQ_SUBSCRIBE); V(ZMQ_RCVMORE); V(ZMQ_LINGER); V(ZMQ_RECONNECT_IVL); V(ZMQ_SNDHWM);
    V(ZMQ_RCVHWM); V(ZMQ_RCVTIMEO); V(ZMQ_SNDTIMEO); V(ZMQ_RECONNECT_IVL_MAX); V(ZMQ_IMMEDIATE);
    V(ZMQ_DONTWAIT); V(ZMQ_SNDMORE); V(ZMQ_POLLIN); V(ZMQ_POLLOUT); V(ETERM);
    V(PR_SET_NAME);
    SIZE(zmq_pollitem_t);
    OFF(zmq_pollitem_t, socket); OFF(zmq_pollitem_t, fd); OFF(zmq_pollitem_t, events); OFF(zmq_pollitem_t, revents);

    printf("\n  }\n}\n");
    return 0;
}
