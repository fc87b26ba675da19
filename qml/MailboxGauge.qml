// A compact gauge: current mailbox fill as an arc coloured by level (green < 50 % <= orange
// < 80 % <= red), with "length/capacity" in the middle.
import QtQuick

Item {
    id: root
    property int length: 0
    property int capacity: 0
    readonly property real fill: capacity > 0 ? Math.min(1, length / capacity) : 0
    implicitWidth: 96
    implicitHeight: 96

    onFillChanged: arc.requestPaint()

    Canvas {
        id: arc
        anchors.fill: parent
        onPaint: {
            var ctx = getContext("2d")
            ctx.reset()
            var r = Math.min(width, height) / 2 - 6
            var cx = width / 2, cy = height / 2
            var start = Math.PI * 0.75, span = Math.PI * 1.5
            ctx.lineWidth = 8
            ctx.strokeStyle = "#3a3a3a"
            ctx.beginPath(); ctx.arc(cx, cy, r, start, start + span); ctx.stroke()
            ctx.strokeStyle = root.fill >= 0.8 ? "#e5484d" : (root.fill >= 0.5 ? "#f5a524" : "#3dd68c")
            ctx.beginPath(); ctx.arc(cx, cy, r, start, start + span * root.fill); ctx.stroke()
        }
    }
    Text {
        anchors.centerIn: parent
        color: "#d0d0d0"
        font.pixelSize: 13
        text: root.length + "/" + root.capacity
    }
}
