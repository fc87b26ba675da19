// Mailbox fill history of one actor: fill (length / capacity) over the last `windowSeconds`,
// drawn as an area chart with the 50 % and 80 % levels marked. The host (the monitor's detail
// pane) sets `samples`: a list of {t: seconds before now (>= 0), v: fill 0…1}, oldest first.
import QtQuick

Item {
    id: root
    property var samples: []
    property int capacity: 0
    property int length: 0
    property string title: ""
    property real windowSeconds: 60
    property color background: "#1e1f22"

    implicitWidth: 360
    implicitHeight: 160

    function levelColor(v) {
        return v >= 0.8 ? "#e5484d" : (v >= 0.5 ? "#f5a524" : "#3dd68c")
    }

    onSamplesChanged: canvas.requestPaint()
    onWidthChanged: canvas.requestPaint()
    onHeightChanged: canvas.requestPaint()

    Rectangle {
        anchors.fill: parent
        color: root.background
        radius: 4
    }

    Text {
        id: heading
        anchors { left: parent.left; top: parent.top; margins: 6 }
        color: "#d0d0d0"
        font.pixelSize: 12
        text: root.title + (root.capacity > 0 ? "  " + root.length + "/" + root.capacity : "")
    }

    Canvas {
        id: canvas
        anchors { left: parent.left; right: parent.right; top: heading.bottom; bottom: parent.bottom; margins: 6 }
        onPaint: {
            var ctx = getContext("2d")
            ctx.reset()
            var w = width, h = height
            // grid: 0, 50, 80, 100 %
            ctx.lineWidth = 1
            var levels = [0.5, 0.8, 1.0]
            for (var i = 0; i < levels.length; ++i) {
                var y = h - levels[i] * h
                ctx.strokeStyle = i === 0 ? "#5a4a20" : (i === 1 ? "#5a2a2a" : "#3a3a3a")
                ctx.beginPath(); ctx.moveTo(0, y); ctx.lineTo(w, y); ctx.stroke()
            }
            var s = root.samples
            if (!s || s.length === 0)
                return
            var peak = 0
            ctx.beginPath()
            ctx.moveTo(w - Math.min(s[0].t, root.windowSeconds) / root.windowSeconds * w, h)
            for (var j = 0; j < s.length; ++j) {
                var x = w - Math.min(s[j].t, root.windowSeconds) / root.windowSeconds * w
                var v = Math.max(0, Math.min(1, s[j].v))
                peak = Math.max(peak, v)
                ctx.lineTo(x, h - v * h)
                // step: hold the value until the next sample (or now)
                var nx = j + 1 < s.length ? w - Math.min(s[j + 1].t, root.windowSeconds) / root.windowSeconds * w : w
                ctx.lineTo(nx, h - v * h)
            }
            ctx.lineTo(w, h)
            ctx.closePath()
            var c = root.levelColor(peak)
            ctx.fillStyle = Qt.rgba(Qt.color(c).r, Qt.color(c).g, Qt.color(c).b, 0.35)
            ctx.fill()
            ctx.strokeStyle = c
            ctx.lineWidth = 2
            ctx.stroke()
        }
    }
}
