// The detail pane's QML part: fill gauge and fill history side by side.
import QtQuick

Rectangle {
    id: root
    color: "#1e1f22"
    property var samples: []
    property int length: 0
    property int capacity: 0
    property string title: "mailbox fill"
    implicitWidth: 480
    implicitHeight: 170

    Row {
        anchors.fill: parent
        anchors.margins: 4
        spacing: 6
        MailboxGauge {
            id: gauge
            width: 100; height: parent.height
            length: root.length
            capacity: root.capacity
        }
        FillHistoryChart {
            width: parent.width - gauge.width - 6; height: parent.height
            samples: root.samples
            capacity: root.capacity
            length: root.length
            title: root.title
        }
    }
}
